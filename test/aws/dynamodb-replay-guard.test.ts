import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbReplayGuard } from "../../shared/aws/dynamodb-replay-guard.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";

let dynamo: Dynalite;
const tableName = "idp-sync-persons";
let now = Date.UTC(2026, 2, 20, 9, 0, 0);

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable({
    TableName: tableName,
    KeySchema: [{ AttributeName: "person", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "person", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  });
});
afterAll(() => dynamo.stop());

const guard = () => new DynamoDbReplayGuard({ client: dynamo.client, tableName, now: () => now });

describe("DynamoDbReplayGuard (against dynalite)", () => {
  it("claims a delivery once, with a TTL attribute, in the person-records table", async () => {
    expect(await guard().claim("acme-hr#evt-1", 300)).toBe(true);
    expect(await guard().claim("acme-hr#evt-1", 300)).toBe(false);
    expect(await guard().claim("acme-hr#evt-2", 300)).toBe(true);
    const item = await dynamo.client.send(
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
