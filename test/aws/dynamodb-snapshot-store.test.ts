import { randomUUID } from "node:crypto";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbSnapshotStore } from "../../shared/aws/dynamodb-snapshot-store.ts";
import type { SourceSnapshot } from "../../shared/sources/directory/reader.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

const snapshotOf = (people: number, source = "acme-hr"): SourceSnapshot => ({
  source,
  fetchedAt: "2026-03-01T03:00:00.000Z",
  complete: false,
  resumeCursor: `page-${people}`,
  changes: Array.from({ length: people }, (_, index) => ({
    id: randomUUID(),
    source,
    person: `E${index}`,
    at: "2026-03-01T03:00:00.000Z",
    kind: "upsert" as const,
    attributes: { loginId: `${randomUUID()}@example.com`, title: randomUUID() },
  })),
});

async function keys(tableName: string) {
  const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
  return Items.map((item) => item.person?.S ?? "").sort();
}

describe("DynamoDbSnapshotStore (against dynalite)", () => {
  it("keeps a snapshot larger than one item in gzip chunks and reads it back whole", async () => {
    const tableName = await dynamo.createStateTable();
    const store = new DynamoDbSnapshotStore({ client: dynamo.client, tableName });
    const snapshot = snapshotOf(8000);
    await store.save(snapshot);
    expect((await keys(tableName)).filter((key) => key.includes("#")).length).toBeGreaterThan(2);
    expect(await store.load("acme-hr")).toEqual(snapshot);
    expect(await store.load("other")).toBeUndefined();
  });

  it("replaces the previous save, removing its chunks, and forgets a cleared source", async () => {
    const tableName = await dynamo.createStateTable();
    const store = new DynamoDbSnapshotStore({ client: dynamo.client, tableName });
    await store.save(snapshotOf(10));
    const newer = snapshotOf(20);
    await store.save(newer);
    expect(await store.load("acme-hr")).toEqual(newer);
    expect(await keys(tableName)).toHaveLength(2);
    await store.clear("acme-hr");
    expect(await store.load("acme-hr")).toBeUndefined();
    expect(await keys(tableName)).toEqual([]);
  });
});
