import { randomUUID } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import * as z from "zod/mini";
import "../model/schema-messages.ts";
import type { SnapshotStore } from "../reconcile/ports.ts";
import type { SourceSnapshot } from "../sources/directory/reader.ts";
import { stateTable } from "./state-table.ts";

export interface DynamoDbSnapshotStoreOptions {
  client: DynamoDBClient;
  /** The person-records table (see state-table.ts). */
  tableName: string;
  now?: () => number;
}

/** DynamoDB items hold 400 KB; a chunk of compressed snapshot stays well below. */
const chunkBytes = 300_000;
const ttlSeconds = 7 * 86_400;

const headSchema = z.object({ generation: z.string(), chunks: z.int().check(z.nonnegative()) });

/**
 * Unfinished reconcile snapshots in the person-records table: the snapshot as gzip JSON in chunks
 * (`reconcile#<source>#<generation>#<n>`) and a head (`reconcile#<source>`) naming the generation. A save
 * writes a new generation's chunks before the head points to it, so a crash mid-save leaves the previous
 * snapshot whole; old chunks are deleted after, and expire by TTL if that fails. None carry a `record`, so
 * the state store's reads pass them by.
 */
export class DynamoDbSnapshotStore implements SnapshotStore {
  readonly #options: DynamoDbSnapshotStoreOptions;

  constructor(options: DynamoDbSnapshotStoreOptions) {
    this.#options = options;
  }

  async load(source: string): Promise<SourceSnapshot | undefined> {
    const head = await this.#head(source);
    if (!head) return undefined;
    const parts: Buffer[] = [];
    for (let index = 0; index < head.chunks; index += 1) {
      const item = await this.#get(chunkKey(source, head.generation, index));
      const data = item?.data?.B;
      if (!data) return undefined;
      parts.push(Buffer.from(data));
    }
    return JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8")) as SourceSnapshot;
  }

  async save(snapshot: SourceSnapshot): Promise<void> {
    const previous = await this.#head(snapshot.source);
    const generation = randomUUID();
    const packed = gzipSync(JSON.stringify(snapshot));
    const chunks = Math.ceil(packed.length / chunkBytes);
    for (let index = 0; index < chunks; index += 1) {
      const data = packed.subarray(index * chunkBytes, (index + 1) * chunkBytes);
      await this.#put(chunkKey(snapshot.source, generation, index), { data: { B: data } });
    }
    await this.#put(headKey(snapshot.source), {
      head: { S: JSON.stringify({ generation, chunks }) },
    });
    if (previous) await this.#deleteChunks(snapshot.source, previous);
  }

  async clear(source: string): Promise<void> {
    const head = await this.#head(source);
    if (!head) return;
    await this.#delete(headKey(source));
    await this.#deleteChunks(source, head);
  }

  async #head(source: string) {
    const item = await this.#get(headKey(source));
    const text = item?.head?.S;
    return text === undefined ? undefined : headSchema.parse(JSON.parse(text));
  }

  async #deleteChunks(source: string, head: z.infer<typeof headSchema>) {
    for (let index = 0; index < head.chunks; index += 1)
      await this.#delete(chunkKey(source, head.generation, index));
  }

  async #get(key: string) {
    const { Item } = await this.#options.client.send(
      new GetItemCommand({
        TableName: this.#options.tableName,
        Key: { [stateTable.partitionKey]: { S: key } },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  async #put(key: string, attributes: Record<string, { S: string } | { B: Uint8Array }>) {
    const expiresAt = Math.floor((this.#options.now ?? Date.now)() / 1000) + ttlSeconds;
    await this.#options.client.send(
      new PutItemCommand({
        TableName: this.#options.tableName,
        Item: {
          [stateTable.partitionKey]: { S: key },
          [stateTable.timeToLiveAttribute]: { N: String(expiresAt) },
          ...attributes,
        },
      }),
    );
  }

  async #delete(key: string) {
    await this.#options.client.send(
      new DeleteItemCommand({
        TableName: this.#options.tableName,
        Key: { [stateTable.partitionKey]: { S: key } },
      }),
    );
  }
}

const headKey = (source: string) => `${stateTable.reconcilePrefix}${source}`;
const chunkKey = (source: string, generation: string, index: number) =>
  `${stateTable.reconcilePrefix}${source}#${generation}#${index}`;
