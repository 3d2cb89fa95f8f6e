import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { ReplayGuard } from "../sources/webhooks/ports.ts";
import { stateTable } from "./state-table.ts";

export interface DynamoDbReplayGuardOptions {
  client: DynamoDBClient;
  /** The person-records table (see state-table.ts). */
  tableName: string;
  now?: () => number;
}

/**
 * Replay protection in the person-records table: a claim is a conditional put of `replay#<key>` that fails
 * when an unexpired claim exists. The table's TTL attribute holds its expiry (epoch seconds); since TTL
 * deletes lazily (up to days later), an expired claim still present is overwritten, not honoured. Claims
 * carry no `record`, so the state store's reads pass them by.
 */
export class DynamoDbReplayGuard implements ReplayGuard {
  readonly #options: DynamoDbReplayGuardOptions;

  constructor(options: DynamoDbReplayGuardOptions) {
    this.#options = options;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor((this.#options.now ?? Date.now)() / 1000);
    try {
      await this.#options.client.send(
        new PutItemCommand({
          TableName: this.#options.tableName,
          Item: {
            [stateTable.partitionKey]: { S: itemKey(key) },
            [stateTable.timeToLiveAttribute]: { N: String(nowSeconds + ttlSeconds) },
          },
          ConditionExpression: "attribute_not_exists(#key) OR #expiresAt <= :now",
          ExpressionAttributeNames: {
            "#key": stateTable.partitionKey,
            "#expiresAt": stateTable.timeToLiveAttribute,
          },
          ExpressionAttributeValues: { ":now": { N: String(nowSeconds) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    await this.#options.client.send(
      new DeleteItemCommand({
        TableName: this.#options.tableName,
        Key: { [stateTable.partitionKey]: { S: itemKey(key) } },
      }),
    );
  }
}

/** Replay claims share the table with person records; the prefix keeps them apart from person keys. */
export const itemKey = (key: string) => `replay#${key}`;
