import { createHash } from "node:crypto";
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { batchGetItems } from "./dynamodb-reads.ts";
import { stateTable } from "./state-table.ts";

/**
 * The per-provider user counts, derived idempotently: `users#<provider>#<shard>` items hold one number
 * attribute per person ever known there, `+version` while the person is present and `-version` once not,
 * written only over an older version. Setting a membership twice, late or out of order changes nothing,
 * so a crash between writing a person and counting them, and the retry after it, leave the count exact;
 * no recount is ever needed. A provider's count is the number of positive attributes over its shards.
 */
const memberPrefix = "m";
/** The 64 characters a digest's first one can be: one shard each. */
const shardNames = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** 96 bits of the person key's SHA-256, base64url: short, fixed-size, and no personal data in counts. */
export const personDigest = (person: string) =>
  createHash("sha256").update(person).digest().subarray(0, 12).toString("base64url");
const shardKey = (provider: string, shard: string) =>
  `${stateTable.userCountPrefix}${JSON.stringify(provider)}#${shard}`;

/** Records at each provider whether the person (at record version `version`) is present there. */
export async function setMembership(
  client: DynamoDBClient,
  tableName: string,
  person: string,
  version: number,
  providers: readonly string[],
  present: readonly string[],
): Promise<void> {
  const digest = personDigest(person);
  await Promise.all(
    providers.map(async (provider) => {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { [stateTable.partitionKey]: { S: shardKey(provider, digest.slice(0, 1)) } },
            UpdateExpression: "SET #member = :member",
            ConditionExpression: "attribute_not_exists(#member) OR (#member < :version AND #member > :minus)",
            ExpressionAttributeNames: { "#member": `${memberPrefix}${digest}` },
            ExpressionAttributeValues: {
              ":member": { N: String(present.includes(provider) ? version : -version) },
              ":version": { N: String(version) },
              ":minus": { N: String(-version) },
            },
          }),
        );
      } catch (error) {
        // A newer version of the person is recorded already: it has the last word.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }),
  );
}

/** The persons present at the provider: one consistent BatchGetItem of its shards. */
export async function countMembers(
  client: DynamoDBClient,
  tableName: string,
  provider: string,
): Promise<number> {
  const keys = [...shardNames].map((shard) => shardKey(provider, shard));
  let count = 0;
  for (const item of await batchGetItems(client, tableName, keys))
    for (const [name, value] of Object.entries(item))
      if (name.startsWith(memberPrefix) && Number(value.N ?? 0) > 0) count += 1;
  return count;
}
