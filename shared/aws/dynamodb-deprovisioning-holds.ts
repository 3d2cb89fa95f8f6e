import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  expiredBuckets,
  type GuardWindow,
  type HeldLeaver,
  heldLeaverSchema,
  leaversInWindow,
  windowBucket,
} from "../sync/deprovisioning-guard.ts";
import type { DeprovisioningHolds } from "../sync/ports.ts";
import { batchGetItems, type Item, scanItems } from "./dynamodb-reads.ts";
import { stateTable } from "./state-table.ts";
import { personDigest } from "./users-membership.ts";

export interface DynamoDbDeprovisioningHoldsOptions {
  client: DynamoDBClient;
  /** The person-records table (see state-table.ts). */
  tableName: string;
  now?: () => number;
}

/**
 * Window buckets are top-level string-set attributes `w<bucket>` of the guard item, holding the digests of
 * the persons counted in them: ADD is atomic across concurrent invocations and idempotent per person.
 */
const bucketPrefix = "w";

/**
 * The deprovisioning guard's store in the person-records table. `guard#<provider>` holds the window (the
 * persons per bucket, added to atomically by concurrent invocations) and `holdingSince`;
 * `held#<provider>#<person>` holds a leaver, its change bodies a string set that concurrent holds add to.
 * A released leaver carries the table's TTL attribute, and is treated as gone once that has passed.
 */
export class DynamoDbDeprovisioningHolds implements DeprovisioningHolds {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #now: () => number;

  constructor(options: DynamoDbDeprovisioningHoldsOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  async addLeavers(
    provider: string,
    persons: readonly string[],
    nowMs: number,
    windowSeconds: number,
  ): Promise<GuardWindow> {
    const attributes =
      persons.length > 0 ? await this.#count(provider, persons, nowMs, windowSeconds) : undefined;
    const current = attributes ?? (await this.#read(guardKey(provider)));
    const buckets = bucketsOf(current);
    const expired = expiredBuckets(buckets, nowMs, windowSeconds);
    if (expired.length > 0) {
      const names = Object.fromEntries(expired.map((bucket, n) => [`#b${n}`, `${bucketPrefix}${bucket}`]));
      await this.#update(guardKey(provider), {
        UpdateExpression: `REMOVE ${Object.keys(names).join(", ")}`,
        ExpressionAttributeNames: names,
      });
    }
    const inWindow = leaversInWindow(buckets, nowMs, windowSeconds);
    const holdingSince = current.holdingSince?.S;
    return holdingSince === undefined ? { inWindow } : { inWindow, holdingSince };
  }

  /**
   * Adds the persons' digests to the bucket's string set (adding one twice changes nothing) and resolves
   * with the guard item after; undefined once the provider holds, when counting no longer matters (so the
   * item stops growing).
   */
  async #count(provider: string, persons: readonly string[], nowMs: number, windowSeconds: number) {
    try {
      const { Attributes = {} } = await this.#update(guardKey(provider), {
        UpdateExpression: "ADD #bucket :persons",
        ConditionExpression: "attribute_not_exists(holdingSince)",
        ExpressionAttributeNames: { "#bucket": `${bucketPrefix}${windowBucket(nowMs, windowSeconds)}` },
        ExpressionAttributeValues: { ":persons": { SS: [...new Set(persons.map(personDigest))] } },
        ReturnValues: "ALL_NEW",
      });
      return Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async #read(key: string): Promise<Item> {
    const { Item = {} } = await this.#client.send(
      new GetItemCommand({ TableName: this.#tableName, Key: itemKey(key), ConsistentRead: true }),
    );
    return Item;
  }

  async startHolding(provider: string, since: string): Promise<void> {
    await this.#update(guardKey(provider), {
      UpdateExpression: "SET holdingSince = if_not_exists(holdingSince, :since)",
      ExpressionAttributeValues: { ":since": { S: since } },
    });
  }

  async reset(provider: string): Promise<void> {
    await this.#client.send(
      new DeleteItemCommand({ TableName: this.#tableName, Key: itemKey(guardKey(provider)) }),
    );
  }

  async get(provider: string, persons: readonly string[]): Promise<Map<string, HeldLeaver>> {
    const items = await batchGetItems(
      this.#client,
      this.#tableName,
      persons.map((person) => heldKey(provider, person)),
    );
    const found = new Map<string, HeldLeaver>();
    for (const item of items) {
      const leaver = this.#toLeaver(item);
      if (leaver) found.set(leaver.person, leaver);
    }
    return found;
  }

  async hold(leavers: readonly HeldLeaver[]): Promise<void> {
    await Promise.all(
      leavers.map((leaver) => {
        // DynamoDB has no empty sets: without bodies there is nothing to add.
        const add = leaver.changes.length > 0;
        return this.#update(heldKey(leaver.provider, leaver.person), {
          UpdateExpression: `SET #provider = :provider, #person = :person, #op = :op, #heldAt = if_not_exists(#heldAt, :heldAt)${add ? " ADD #changes :changes" : ""}`,
          ExpressionAttributeNames: {
            "#provider": "provider",
            "#person": "heldPerson",
            "#op": "op",
            "#heldAt": "heldAt",
            ...(add ? { "#changes": "changes" } : {}),
          },
          ExpressionAttributeValues: {
            ":provider": { S: leaver.provider },
            ":person": { S: leaver.person },
            ":op": { S: leaver.op },
            ":heldAt": { S: leaver.heldAt },
            ...(add ? { ":changes": { SS: leaver.changes } } : {}),
          },
        });
      }),
    );
  }

  async approve(provider: string, persons: readonly string[], expiresAtMs: number): Promise<void> {
    await Promise.all(
      persons.map(async (person) => {
        try {
          await this.#update(heldKey(provider, person), {
            UpdateExpression: "SET approved = :true, #expiresAt = :expiresAt",
            ConditionExpression: "attribute_exists(heldAt)",
            ExpressionAttributeNames: { "#expiresAt": stateTable.timeToLiveAttribute },
            ExpressionAttributeValues: {
              ":true": { BOOL: true },
              ":expiresAt": { N: String(Math.ceil(expiresAtMs / 1000)) },
            },
          });
        } catch (error) {
          // Nothing held for this person (any more): nothing to approve.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  async remove(provider: string, persons: readonly string[]): Promise<void> {
    await Promise.all(
      persons.map((person) =>
        this.#client.send(
          new DeleteItemCommand({ TableName: this.#tableName, Key: itemKey(heldKey(provider, person)) }),
        ),
      ),
    );
  }

  /** A scan of the whole table: for operators, never on the sync path. */
  async list(provider?: string) {
    const holding: { provider: string; since: string }[] = [];
    const held: HeldLeaver[] = [];
    const items = scanItems(this.#client, {
      TableName: this.#tableName,
      FilterExpression: "begins_with(#key, :guard) OR begins_with(#key, :held)",
      ExpressionAttributeNames: { "#key": stateTable.partitionKey },
      ExpressionAttributeValues: {
        ":guard": { S: guardKey(provider ?? "") },
        ":held": { S: provider === undefined ? stateTable.heldPrefix : heldKey(provider, "") },
      },
    });
    for await (const item of items) {
      const key = item[stateTable.partitionKey]?.S ?? "";
      const since = item.holdingSince?.S;
      if (key.startsWith(stateTable.guardPrefix) && since !== undefined)
        holding.push({ provider: key.slice(stateTable.guardPrefix.length), since });
      const leaver = this.#toLeaver(item);
      if (leaver && (provider ?? leaver.provider) === leaver.provider) held.push(leaver);
    }
    return {
      holding: provider === undefined ? holding : holding.filter((h) => h.provider === provider),
      held,
    };
  }

  #toLeaver(item: Item): HeldLeaver | undefined {
    if (item.heldAt === undefined) return undefined;
    const expiresAt = item[stateTable.timeToLiveAttribute]?.N;
    if (expiresAt !== undefined && Number(expiresAt) * 1000 <= this.#now()) return undefined;
    return heldLeaverSchema.parse({
      provider: item.provider?.S,
      person: item.heldPerson?.S,
      op: item.op?.S,
      heldAt: item.heldAt?.S,
      changes: item.changes?.SS ?? [],
      ...(item.approved?.BOOL ? { approved: true } : {}),
    });
  }

  #update(key: string, input: Omit<UpdateItemCommandInput, "TableName" | "Key">) {
    return this.#client.send(
      new UpdateItemCommand({ TableName: this.#tableName, Key: itemKey(key), ...input }),
    );
  }
}

const guardKey = (provider: string) => `${stateTable.guardPrefix}${provider}`;
/** JSON keeps a provider name apart from a person key, whatever characters either holds. */
const heldKey = (provider: string, person: string) =>
  `${stateTable.heldPrefix}${JSON.stringify(provider)}${person === "" ? "" : `#${JSON.stringify(person)}`}`;
const itemKey = (key: string): Item => ({ [stateTable.partitionKey]: { S: key } });

function bucketsOf(attributes: Item): Record<string, string[]> {
  const buckets: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(attributes))
    if (name.startsWith(bucketPrefix) && value.SS !== undefined)
      buckets[name.slice(bucketPrefix.length)] = value.SS;
  return buckets;
}
