import { setTimeout as sleep } from "node:timers/promises";
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { forEachLimited } from "../http/concurrency.ts";
import { type AuditEntry, auditEntrySchema } from "../sync/audit-entry.ts";
import { chunk } from "../sync/plan.ts";
import type { AuditTrail } from "../sync/ports.ts";
import { batchGetItems } from "./dynamodb-reads.ts";
import { stateTable } from "./state-table.ts";

export interface DynamoDbAuditTrailOptions {
  client: DynamoDBClient;
  /** The person-records table (see state-table.ts). */
  tableName: string;
  retentionDays: number;
  now?: () => number;
}

const dayMs = 86_400_000;
/** BatchWriteItem takes at most 25 requests; writes of one batch go out this many at a time. */
const maxBatchWrites = 25;
const writeConcurrency = 32;
const unprocessedAttempts = 8;

/**
 * The audit trail in the person-records table. `audit#<person>#<day>` holds one person's entries of one UTC
 * day, appended to atomically (list_append), so reading a person's trail is one BatchGetItem of the days
 * kept, never a scan; `auditchange#<change id>` names the person behind a change. Both carry the table's TTL
 * attribute, so DynamoDB removes them after the retention; reads skip expired ones before it gets to them.
 */
export class DynamoDbAuditTrail implements AuditTrail {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(options: DynamoDbAuditTrailOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#retentionMs = options.retentionDays * dayMs;
    this.#now = options.now ?? Date.now;
  }

  async record(entries: readonly AuditEntry[]): Promise<void> {
    const byDay = new Map<string, { person: string; day: string; entries: AuditEntry[] }>();
    for (const entry of entries) {
      const day = entry.at.slice(0, 10);
      const key = dayKey(entry.person, day);
      const group = byDay.get(key) ?? { person: entry.person, day, entries: [] };
      group.entries.push(entry);
      byDay.set(key, group);
    }
    // One person's day that cannot take more (an item is at most 400 KB) must not cost the others theirs.
    let failed = 0;
    await forEachLimited([...byDay], writeConcurrency, ([key, group]) =>
      this.#append(key, group).catch(() => {
        failed += 1;
      }),
    );
    const persons = new Map(
      entries.flatMap((entry) => entry.changes.map((id) => [id, entry.person] as const)),
    );
    const expiresAt = this.#expiresAt(this.#now());
    const writes = [...persons].map(
      ([id, person]): WriteRequest => ({
        PutRequest: {
          Item: {
            [stateTable.partitionKey]: { S: `${stateTable.auditChangePrefix}${id}` },
            auditPerson: { S: person },
            [stateTable.timeToLiveAttribute]: { N: String(expiresAt) },
          },
        },
      }),
    );
    await forEachLimited(chunk(writes, maxBatchWrites), writeConcurrency, (part) => this.#batchWrite(part));
    if (failed > 0) throw new Error(`the audit entries of ${failed} persons could not be written`);
  }

  async forPerson(person: string): Promise<AuditEntry[]> {
    const now = this.#now();
    const days = Math.ceil(this.#retentionMs / dayMs) + 1;
    const keys = Array.from({ length: days }, (_, n) =>
      dayKey(person, new Date(now - n * dayMs).toISOString().slice(0, 10)),
    );
    const oldest = new Date(now - this.#retentionMs).toISOString();
    return (await batchGetItems(this.#client, this.#tableName, keys))
      .flatMap((item) => item.entries?.L ?? [])
      .map((value) => auditEntrySchema.parse(JSON.parse(value.S ?? "null")))
      .filter((entry) => entry.at > oldest)
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  async personOfChange(changeId: string): Promise<string | undefined> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: { [stateTable.partitionKey]: { S: `${stateTable.auditChangePrefix}${changeId}` } },
        ConsistentRead: true,
      }),
    );
    const expiresAt = Number(Item?.[stateTable.timeToLiveAttribute]?.N ?? 0);
    return expiresAt * 1000 > this.#now() ? Item?.auditPerson?.S : undefined;
  }

  async #append(key: string, group: { day: string; entries: AuditEntry[] }) {
    await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#tableName,
        Key: { [stateTable.partitionKey]: { S: key } },
        UpdateExpression:
          "SET #entries = list_append(if_not_exists(#entries, :none), :new), #expiresAt = :expiresAt",
        ExpressionAttributeNames: { "#entries": "entries", "#expiresAt": stateTable.timeToLiveAttribute },
        ExpressionAttributeValues: {
          ":none": { L: [] },
          ":new": { L: group.entries.map((entry) => ({ S: JSON.stringify(entry) })) },
          // The day's last entry is kept for the whole retention.
          ":expiresAt": { N: String(this.#expiresAt(Date.parse(`${group.day}T00:00:00Z`) + dayMs)) },
        },
      }),
    );
  }

  async #batchWrite(requests: WriteRequest[]) {
    let pending: WriteRequest[] = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt === unprocessedAttempts)
        throw new Error(`${pending.length} audit writes stayed unprocessed`);
      if (attempt > 0) await sleep(50 * 2 ** (attempt - 1));
      const output = await this.#client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.#tableName]: pending } }),
      );
      pending = output.UnprocessedItems?.[this.#tableName] ?? [];
    }
  }

  #expiresAt(fromMs: number): number {
    return Math.ceil((fromMs + this.#retentionMs) / 1000);
  }
}

/** JSON keeps a person key apart from the day, whatever characters it holds. */
const dayKey = (person: string, day: string) => `${stateTable.auditPrefix}${JSON.stringify(person)}#${day}`;
