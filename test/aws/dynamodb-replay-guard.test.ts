import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
// @ts-expect-error dynalite ships no type declarations
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbReplayGuard } from "../../shared/aws/dynamodb-replay-guard.ts";

let server: Server;
let client: DynamoDBClient;
const tableName = "idp-sync-persons";
let now = Date.UTC(2026, 2, 20, 9, 0, 0);

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  client = new DynamoDBClient({
    region: "eu-central-1",
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: "person", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "person", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
});
afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const guard = () => new DynamoDbReplayGuard({ client, tableName, now: () => now });

describe("DynamoDbReplayGuard (against dynalite)", () => {
  it("claims a delivery once, with a TTL attribute, in the person-records table", async () => {
    expect(await guard().claim("acme-hr#evt-1", 300)).toBe(true);
    expect(await guard().claim("acme-hr#evt-1", 300)).toBe(false);
    expect(await guard().claim("acme-hr#evt-2", 300)).toBe(true);
    const item = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { person: { S: "replay#acme-hr#evt-1" } } }),
    );
    expect(item.Item).toEqual({
      person: { S: "replay#acme-hr#evt-1" },
      expiresAt: { N: String(Math.floor(now / 1000) + 300) },
    });
  });

  it("accepts a claim again once it expired, even before TTL removed the item", async () => {
    expect(await guard().claim("acme-hr#evt-3", 60)).toBe(true);
    now += 61_000;
    expect(await guard().claim("acme-hr#evt-3", 60)).toBe(true);
    expect(await guard().claim("acme-hr#evt-3", 60)).toBe(false);
  });

  it("forgets a released claim, so the sender's retry is accepted", async () => {
    expect(await guard().claim("acme-hr#evt-4", 300)).toBe(true);
    await guard().release("acme-hr#evt-4");
    expect(await guard().claim("acme-hr#evt-4", 300)).toBe(true);
  });
});
