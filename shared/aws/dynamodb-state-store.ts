import {
  type AttributeValue,
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
import { presentAt } from "../sync/provider-presence.ts";
import { batchGetItems, type Item } from "./dynamodb-reads.ts";
import { stateTable } from "./state-table.ts";
import { countMembers, setMembership } from "./users-membership.ts";

/** The presence (JSON of the sorted provider names) the user counters reflect for this person. */
const countedAttribute = "countedAt";

/**
 * Person records in DynamoDB, one item per person: `person` (the key), `version` (N, what conditional
 * writes compare) and `record` (the record as JSON, validated on every read), plus the lower-cased
 * `loginId` that the sparse `byLoginId` index looks persons up by, the providers it is present at, and
 * the presence the user counters reflect.
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

  /**
   * Writes the record, and keeps the user counters exact without a transaction (see users-membership.ts).
   * The item carries `countedAt`, the presence the counters reflect: a write that leaves the presence as
   * counted is one conditional UpdateItem. One that changes it is written with `countedAt` left stale (the
   * pending mark, atomic with the record), then sets the person's membership at each provider it knows,
   * idempotently and guarded by the record's version, then confirms `countedAt`. A crash in between leaves
   * the mark: the person's next write (the redelivery of the same change) counts again, exactly once.
   */
  async put(record: PersonRecord): Promise<boolean> {
    const present = presentAt(record);
    const counted = JSON.stringify(present);
    if (await this.#write(record, counted)) return true;
    if (!(await this.#write(record))) return false;
    const version = record.version + 1;
    await setMembership(
      this.#client,
      this.#tableName,
      record.person,
      version,
      Object.keys(record.providers),
      present,
    );
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: { [stateTable.partitionKey]: { S: record.person } },
          UpdateExpression: "SET #counted = :counted",
          ConditionExpression: "#version = :version",
          ExpressionAttributeNames: { "#counted": countedAttribute, "#version": "version" },
          ExpressionAttributeValues: { ":counted": { S: counted }, ":version": { N: String(version) } },
        }),
      );
    } catch (error) {
      // Written again since: that writer saw the mark and counted for its own version.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return true;
  }

  /**
   * The conditional write of the record. With `counted`, it succeeds only if the counters already reflect
   * that presence (nothing to count); without, it leaves `countedAt` as it was. Resolves false when the
   * condition failed.
   */
  async #write(record: PersonRecord, counted?: string): Promise<boolean> {
    const version = record.version + 1;
    const loginId = desiredLoginId(record)?.toLowerCase();
    const present = presentAt(record);
    const names: Record<string, string> = {
      "#version": "version",
      "#record": "record",
      "#loginId": stateTable.loginIdAttribute,
      "#present": stateTable.presenceAttribute,
    };
    const values: Record<string, AttributeValue> = {
      ":version": { N: String(version) },
      ":record": { S: JSON.stringify({ ...record, version }) },
    };
    const set = ["#version = :version", "#record = :record"];
    const remove: string[] = [];
    if (loginId) {
      set.push("#loginId = :loginId");
      values[":loginId"] = { S: loginId };
    } else remove.push("#loginId");
    if (present.length > 0) {
      set.push("#present = :present");
      values[":present"] = { SS: present };
    } else remove.push("#present");
    // A new person must not exist yet; a known one must still be at the version the caller read.
    const conditions = [record.version === 0 ? "attribute_not_exists(#key)" : "#version = :expected"];
    if (record.version > 0) values[":expected"] = { N: String(record.version) };
    else names["#key"] = stateTable.partitionKey;
    if (counted !== undefined) {
      names["#counted"] = countedAttribute;
      values[":counted"] = { S: counted };
      // A new person counts at no provider yet; an item without the attribute is counted nowhere.
      conditions.push(
        present.length === 0
          ? "(#counted = :counted OR attribute_not_exists(#counted))"
          : "#counted = :counted",
      );
      if (record.version === 0 && present.length > 0) return false;
    }
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: { [stateTable.partitionKey]: { S: record.person } },
          UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
          ConditionExpression: conditions.join(" AND "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async countUsers(provider: string): Promise<number> {
    return countMembers(this.#client, this.#tableName, provider);
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
