import { setTimeout as sleep } from "node:timers/promises";
import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { desiredLoginId, type PersonRecord, personRecordSchema } from "../sync/person-record.ts";
import { chunk } from "../sync/plan.ts";
import type { StateStore } from "../sync/ports.ts";
import { stateTable } from "./state-table.ts";

/** BatchGetItem reads at most 100 keys per call. */
const maxBatchGetKeys = 100;
/** Unprocessed keys mean throttling: back off (50 ms doubling) and give up after about 6 s in all. */
const unprocessedAttempts = 8;
const unprocessedBaseMs = 50;

type Item = Record<string, AttributeValue>;

/**
 * Person records in DynamoDB, one item per person: `person` (the key), `version` (N, what conditional
 * writes compare) and `record` (the record as JSON, validated on every read), plus the lower-cased
 * `loginId` that the sparse `byLoginId` index looks persons up by.
 */
export class DynamoDbStateStore implements StateStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  constructor(options: { client: DynamoDBClient; tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async get(persons: readonly string[]): Promise<Map<string, PersonRecord>> {
    const chunks = chunk([...new Set(persons)], maxBatchGetKeys);
    const items = (await Promise.all(chunks.map((keys) => this.#batchGet(keys)))).flat();
    const found = new Map<string, PersonRecord>();
    for (const item of items) {
      const record = toRecord(item);
      if (record) found.set(record.person, record);
    }
    return found;
  }

  async put(record: PersonRecord): Promise<boolean> {
    const version = record.version + 1;
    const loginId = desiredLoginId(record)?.toLowerCase();
    const item: Item = {
      [stateTable.partitionKey]: { S: record.person },
      version: { N: String(version) },
      record: { S: JSON.stringify({ ...record, version }) },
      ...(loginId ? { [stateTable.loginIdAttribute]: { S: loginId } } : {}),
    };
    // A new person must not exist yet; a known one must still be at the version the caller read.
    const condition: Pick<
      PutItemCommandInput,
      "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
    > =
      record.version === 0
        ? {
            ConditionExpression: "attribute_not_exists(#key)",
            ExpressionAttributeNames: { "#key": stateTable.partitionKey },
          }
        : {
            ConditionExpression: "#version = :expected",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":expected": { N: String(record.version) } },
          };
    try {
      await this.#client.send(new PutItemCommand({ TableName: this.#tableName, Item: item, ...condition }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async findByLoginId(loginId: string): Promise<PersonRecord[]> {
    const wanted = loginId.toLowerCase();
    const persons: string[] = [];
    let start: Item | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: stateTable.loginIdIndex,
          KeyConditionExpression: "#loginId = :loginId",
          ExpressionAttributeNames: { "#loginId": stateTable.loginIdAttribute },
          ExpressionAttributeValues: { ":loginId": { S: wanted } },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const person = item[stateTable.partitionKey]?.S;
        if (person !== undefined) persons.push(person);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    // The index is eventually consistent: the records themselves, read consistently, have the last word.
    const records = await this.get(persons);
    return [...records.values()].filter((record) => desiredLoginId(record)?.toLowerCase() === wanted);
  }

  async list(options: {
    limit: number;
    after?: string;
  }): Promise<{ records: PersonRecord[]; next?: string }> {
    const records: PersonRecord[] = [];
    let start: Item | undefined =
      options.after === undefined ? undefined : { [stateTable.partitionKey]: { S: options.after } };
    // The filter skips replay claims after Limit is applied, so a page is filled over several scans.
    do {
      const page = await this.#client.send(
        new ScanCommand({
          TableName: this.#tableName,
          Limit: options.limit - records.length,
          ConsistentRead: true,
          FilterExpression: "attribute_exists(#record)",
          ExpressionAttributeNames: { "#record": "record" },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const record = toRecord(item);
        if (record) records.push(record);
      }
      start = page.LastEvaluatedKey;
    } while (start && records.length < options.limit);
    const next = start?.[stateTable.partitionKey]?.S;
    return next === undefined ? { records } : { records, next };
  }

  /** One BatchGetItem of at most 100 keys, re-asking for the keys DynamoDB left unprocessed. */
  async #batchGet(persons: readonly string[]): Promise<Item[]> {
    const items: Item[] = [];
    let keys: Item[] = persons.map((person) => ({ [stateTable.partitionKey]: { S: person } }));
    for (let attempt = 0; keys.length > 0; attempt += 1) {
      if (attempt === unprocessedAttempts)
        throw new Error(`${keys.length} person records stayed unprocessed`);
      if (attempt > 0) await sleep(unprocessedBaseMs * 2 ** (attempt - 1));
      const output = await this.#client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      items.push(...(output.Responses?.[this.#tableName] ?? []));
      keys = output.UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
    }
    return items;
  }
}

/** The record an item holds, validated; undefined for items that are not person records (replay claims). */
function toRecord(item: Item): PersonRecord | undefined {
  const json = item.record?.S;
  if (json === undefined) return undefined;
  const parsed = personRecordSchema.safeParse(parseJson(json));
  if (!parsed.success) {
    // Zod issues name paths, not values, so the cause carries no personal data.
    throw new Error(`the stored record of person "${item[stateTable.partitionKey]?.S}" is invalid`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** JSON.parse quotes the input in its error; a person record must not reach the logs that way. */
function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
