import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { desiredLoginId, type PersonRecord, personRecordSchema } from "../sync/person-record.ts";
import type { LoginIdClaim, StateStore } from "../sync/ports.ts";
import { presenceDelta, presentAt } from "../sync/provider-presence.ts";
import { batchGetItems, type Item, scanItems } from "./dynamodb-reads.ts";
import { stateTable } from "./state-table.ts";

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
    const items = await batchGetItems(this.#client, this.#tableName, persons);
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
    const present = presentAt(record);
    const item: Item = {
      [stateTable.partitionKey]: { S: record.person },
      version: { N: String(version) },
      record: { S: JSON.stringify({ ...record, version }) },
      ...(loginId ? { [stateTable.loginIdAttribute]: { S: loginId } } : {}),
      ...(present.length > 0 ? { [stateTable.presenceAttribute]: { SS: present } } : {}),
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
    let previous: Item | undefined;
    try {
      const output = await this.#client.send(
        new PutItemCommand({ TableName: this.#tableName, Item: item, ReturnValues: "ALL_OLD", ...condition }),
      );
      previous = output.Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    // The counters follow the presence attribute of the item replaced (an item written before the counters
    // existed has none, and is counted from its next write on). Not in one transaction with the put: that
    // would make every create conflict on the counter item; an invocation dying in between leaves a counter
    // off by one, which `recountUsers` repairs.
    const before = previous?.[stateTable.presenceAttribute]?.SS ?? [];
    await Promise.all(
      [...presenceDelta(before, present)].map(([provider, delta]) => this.#addUsers(provider, delta)),
    );
    return true;
  }

  async countUsers(provider: string): Promise<number> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: { [stateTable.partitionKey]: { S: `${stateTable.userCountPrefix}${provider}` } },
        ConsistentRead: true,
      }),
    );
    return Math.max(0, Number(Item?.users?.N ?? 0));
  }

  /**
   * Rebuilds every provider's user counter from the persons' presence (a full scan). For an operator, after
   * an interrupted write or for a table written before the counters existed; writes racing it may be missed.
   */
  async recountUsers(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const items = scanItems(this.#client, {
      TableName: this.#tableName,
      ProjectionExpression: "#key, #present",
      FilterExpression: "attribute_exists(#present) OR begins_with(#key, :counter)",
      ExpressionAttributeNames: { "#key": stateTable.partitionKey, "#present": stateTable.presenceAttribute },
      ExpressionAttributeValues: { ":counter": { S: stateTable.userCountPrefix } },
    });
    for await (const item of items) {
      // A counter of a provider nobody is at any more goes back to zero.
      const key = item[stateTable.partitionKey]?.S ?? "";
      if (key.startsWith(stateTable.userCountPrefix))
        counts[key.slice(stateTable.userCountPrefix.length)] ??= 0;
      for (const provider of item[stateTable.presenceAttribute]?.SS ?? [])
        counts[provider] = (counts[provider] ?? 0) + 1;
    }
    await Promise.all(
      Object.entries(counts).map(([provider, users]) =>
        this.#client.send(
          new PutItemCommand({
            TableName: this.#tableName,
            Item: {
              [stateTable.partitionKey]: { S: `${stateTable.userCountPrefix}${provider}` },
              users: { N: String(users) },
            },
          }),
        ),
      ),
    );
    return counts;
  }

  async #addUsers(provider: string, delta: number) {
    await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#tableName,
        Key: { [stateTable.partitionKey]: { S: `${stateTable.userCountPrefix}${provider}` } },
        UpdateExpression: "ADD #users :delta",
        ExpressionAttributeNames: { "#users": "users" },
        ExpressionAttributeValues: { ":delta": { N: String(delta) } },
      }),
    );
  }

  /**
   * One item per claimed loginId, `username#<lower-cased loginId>`, holding `holder` and `claimedAt`: put only
   * if absent or already the person's. On a refusal the claim is read back (consistently); should it have
   * been released in between, the put is tried again.
   */
  async claimLoginId(loginId: string, person: string, nowMs: number): Promise<LoginIdClaim> {
    for (let attempt = 0; attempt < claimAttempts; attempt += 1) {
      const claimed = await this.#putClaim(loginId, person, nowMs, {
        ConditionExpression: "attribute_not_exists(#key) OR #holder = :person",
        ExpressionAttributeNames: { "#key": stateTable.partitionKey, "#holder": "holder" },
        ExpressionAttributeValues: { ":person": { S: person } },
      });
      if (claimed) return { person, at: nowMs };
      const { Item } = await this.#client.send(
        new GetItemCommand({ TableName: this.#tableName, Key: claimKey(loginId), ConsistentRead: true }),
      );
      const holder = Item?.holder?.S;
      if (holder !== undefined) return { person: holder, at: Number(Item?.claimedAt?.N ?? 0) };
    }
    throw new Error("a loginId claim stayed contended");
  }

  async takeOverLoginId(loginId: string, from: LoginIdClaim, person: string, nowMs: number) {
    return this.#putClaim(loginId, person, nowMs, {
      ConditionExpression: "#holder = :from AND #at = :at",
      ExpressionAttributeNames: { "#holder": "holder", "#at": "claimedAt" },
      ExpressionAttributeValues: { ":from": { S: from.person }, ":at": { N: String(from.at) } },
    });
  }

  async releaseLoginId(loginId: string, person: string): Promise<void> {
    await conditionally(
      this.#client.send(
        new DeleteItemCommand({
          TableName: this.#tableName,
          Key: claimKey(loginId),
          ConditionExpression: "#holder = :person",
          ExpressionAttributeNames: { "#holder": "holder" },
          ExpressionAttributeValues: { ":person": { S: person } },
        }),
      ),
    );
  }

  #putClaim(
    loginId: string,
    person: string,
    nowMs: number,
    condition: Pick<
      PutItemCommandInput,
      "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
    >,
  ): Promise<boolean> {
    const item = { ...claimKey(loginId), holder: { S: person }, claimedAt: { N: String(nowMs) } };
    return conditionally(
      this.#client.send(new PutItemCommand({ TableName: this.#tableName, Item: item, ...condition })),
    );
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
}

const claimAttempts = 5;
const claimKey = (loginId: string) => ({
  [stateTable.partitionKey]: { S: `${stateTable.userNamePrefix}${loginId.toLowerCase()}` },
});

/** Whether a conditional write went through (false: its condition failed). */
async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
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
