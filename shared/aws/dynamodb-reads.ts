import { setTimeout as sleep } from "node:timers/promises";
import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/client-dynamodb";
import { chunk } from "../sync/plan.ts";
import { stateTable } from "./state-table.ts";

/** BatchGetItem reads at most 100 keys per call. */
const maxBatchGetKeys = 100;
/** Unprocessed keys mean throttling: back off (50 ms doubling) and give up after about 6 s in all. */
const unprocessedAttempts = 8;
const unprocessedBaseMs = 50;

export type Item = Record<string, AttributeValue>;

/** The items of these partition keys (repeats read once, missing ones left out), read consistently. */
export async function batchGetItems(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly string[],
): Promise<Item[]> {
  const chunks = chunk([...new Set(keys)], maxBatchGetKeys);
  return (await Promise.all(chunks.map((part) => batchGet(client, tableName, part)))).flat();
}

/** One BatchGetItem of at most 100 keys, re-asking for the keys DynamoDB left unprocessed. */
async function batchGet(client: DynamoDBClient, tableName: string, keys: readonly string[]): Promise<Item[]> {
  const items: Item[] = [];
  let pending: Item[] = keys.map((key) => ({ [stateTable.partitionKey]: { S: key } }));
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt === unprocessedAttempts) throw new Error(`${pending.length} items stayed unprocessed`);
    if (attempt > 0) await sleep(unprocessedBaseMs * 2 ** (attempt - 1));
    const output = await client.send(
      new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(output.Responses?.[tableName] ?? []));
    pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return items;
}

/** Every item a consistent scan of the whole table finds, page after page (for operator commands). */
export async function* scanItems(
  client: DynamoDBClient,
  input: Omit<ScanCommandInput, "ExclusiveStartKey" | "ConsistentRead">,
): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ ...input, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
