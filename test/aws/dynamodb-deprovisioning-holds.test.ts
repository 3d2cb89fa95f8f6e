import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbDeprovisioningHolds } from "../../shared/aws/dynamodb-deprovisioning-holds.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { describeDeprovisioningHoldsContract, leaver } from "./deprovisioning-holds-contract.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";
import { personRecord } from "./state-store-contract.ts";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

describeDeprovisioningHoldsContract(
  "DynamoDbDeprovisioningHolds (dynalite)",
  async (now) =>
    new DynamoDbDeprovisioningHolds({
      client: dynamo.client,
      tableName: await dynamo.createStateTable(),
      now,
    }),
);

describe("DynamoDbDeprovisioningHolds", () => {
  it("shares the person-records table without the state store seeing its items", async () => {
    const tableName = await dynamo.createStateTable();
    const holds = new DynamoDbDeprovisioningHolds({ client: dynamo.client, tableName });
    const store = new DynamoDbStateStore({ client: dynamo.client, tableName });
    await store.put(personRecord("p1", 0));
    await holds.hold([leaver("p1")]);
    await holds.addLeavers("descope", ["a", "b", "c"], Date.now(), 3600);
    await holds.startHolding("descope", new Date().toISOString());

    expect((await store.list({ limit: 10 })).records.map((record) => record.person)).toEqual(["p1"]);
    expect(await store.countUsers("descope")).toBe(1);
    expect((await holds.list()).held).toEqual([leaver("p1")]);
  });
});
