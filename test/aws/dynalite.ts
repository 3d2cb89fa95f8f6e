import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
// @ts-expect-error dynalite ships no type declarations
import dynalite from "dynalite";
import { stateTable } from "../../shared/aws/state-table.ts";

export interface Dynalite {
  client: DynamoDBClient;
  /** For SDK clients built elsewhere (e.g. from AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  /** Creates a fresh person-records table, shaped as the stack creates it, and returns its name. */
  createStateTable(): Promise<string>;
  stop(): Promise<void>;
}

/** DynamoDB on loopback (dynalite, in memory), driven by the real SDK client. */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  let tables = 0;
  return {
    client,
    endpoint,
    async createStateTable() {
      tables += 1;
      const tableName = `idp-sync-state-${tables}`;
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: "PAY_PER_REQUEST",
          KeySchema: [{ AttributeName: stateTable.partitionKey, KeyType: "HASH" }],
          AttributeDefinitions: [
            { AttributeName: stateTable.partitionKey, AttributeType: "S" },
            { AttributeName: stateTable.loginIdAttribute, AttributeType: "S" },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: stateTable.loginIdIndex,
              KeySchema: [{ AttributeName: stateTable.loginIdAttribute, KeyType: "HASH" }],
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          ],
        }),
      );
      // Tables are CREATING first, as on AWS; use one only once it is ACTIVE.
      await waitUntilTableExists(
        { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
        { TableName: tableName },
      );
      return tableName;
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
