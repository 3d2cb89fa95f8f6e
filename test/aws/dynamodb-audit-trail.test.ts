import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbAuditTrail } from "../../shared/aws/dynamodb-audit-trail.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { describeAuditTrailContract, entry, t0 } from "./audit-trail-contract.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";
import { personRecord } from "./state-store-contract.ts";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

describeAuditTrailContract(
  "DynamoDbAuditTrail (dynalite)",
  async (now) =>
    new DynamoDbAuditTrail({
      client: dynamo.client,
      tableName: await dynamo.createStateTable(),
      retentionDays: 30,
      now,
    }),
);

describe("DynamoDbAuditTrail", () => {
  it("gives each day's item and each change pointer the table's TTL, a retention after the day", async () => {
    const tableName = await dynamo.createStateTable();
    const trail = new DynamoDbAuditTrail({
      client: dynamo.client,
      tableName,
      retentionDays: 7,
      now: () => t0,
    });
    await trail.record([entry("p1", t0, { changes: ["c1"] })]);

    const read = async (key: string) =>
      (await dynamo.client.send(new GetItemCommand({ TableName: tableName, Key: { person: { S: key } } })))
        .Item;
    const endOfDay = Date.UTC(2026, 2, 11);
    expect((await read('audit#"p1"#2026-03-10'))?.expiresAt).toEqual({
      N: String((endOfDay + 7 * 86_400_000) / 1000),
    });
    expect((await read("auditchange#c1"))?.expiresAt).toEqual({ N: String((t0 + 7 * 86_400_000) / 1000) });
  });

  it("writes every other person's entries when one person's day is full, then says so", async () => {
    const tableName = await dynamo.createStateTable();
    const trail = new DynamoDbAuditTrail({
      client: dynamo.client,
      tableName,
      retentionDays: 30,
      now: () => t0,
    });
    const long = (n: number) => entry("busy", t0, { changes: [`c${n}`], reason: "x".repeat(290) });
    // About 330 bytes each: 1,300 entries are over DynamoDB's 400 KB item limit.
    await expect(
      trail.record([
        ...Array.from({ length: 1300 }, (_, n) => long(n)),
        entry("calm", t0, { changes: ["k"] }),
      ]),
    ).rejects.toThrow("the audit entries of 1 persons could not be written");

    expect(await trail.forPerson("calm")).toEqual([entry("calm", t0, { changes: ["k"] })]);
    expect(await trail.personOfChange("k")).toBe("calm");
  });

  it("shares the person-records table without the state store seeing its items", async () => {
    const tableName = await dynamo.createStateTable();
    const trail = new DynamoDbAuditTrail({ client: dynamo.client, tableName, retentionDays: 30 });
    const store = new DynamoDbStateStore({ client: dynamo.client, tableName });
    await store.put(personRecord("p1", 0));
    await trail.record([entry("p1", Date.now())]);

    expect((await store.list({ limit: 10 })).records.map((record) => record.person)).toEqual(["p1"]);
  });
});
