import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
// @ts-expect-error dynalite ships no type declarations
import dynalite from "dynalite";
import { stateTable } from "../../shared/aws/state-table.ts";

export interface Dynalite {
  client: DynamoDBClient;
  /** For SDK clients built elsewhere (e.g. from AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  /** Creates a table and resolves once it is ACTIVE: DynamoDB refuses items of a CREATING table. */
  createTable(input: CreateTableCommandInput): Promise<string>;
  /** Creates a fresh person-records table, shaped as the stack creates it, and returns its name once ACTIVE. */
  createStateTable(): Promise<string>;
  stop(): Promise<void>;
}

export interface DynaliteOptions {
  /**
   * How long a new table stays CREATING. Never zero (dynalite would still flip it on a later tick): a
   * test that skipped `createTable`'s wait fails every time instead of once in a while.
   */
  createTableMs?: number;
}

/** DynamoDB on loopback (dynalite, in memory), driven by the real SDK client. */
export async function startDynalite(options: DynaliteOptions = {}): Promise<Dynalite> {
  const server = dynalite({ createTableMs: options.createTableMs ?? 20 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const createTable = async (input: CreateTableCommandInput) => {
    await client.send(new CreateTableCommand(input));
    // Polls every 10-100 ms (the SDK's defaults, 20-120 s, are for real DynamoDB).
    await waitUntilTableExists(
      { client, minDelay: 0.01, maxDelay: 0.1, maxWaitTime: 30 },
      { TableName: input.TableName },
    );
    return input.TableName as string;
  };
  let tables = 0;
  return {
    client,
    endpoint,
    createTable,
    createStateTable() {
      tables += 1;
      return createTable({
        TableName: `idp-sync-state-${tables}`,
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
      });
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
