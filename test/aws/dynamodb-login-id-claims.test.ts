import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { routeIngestRequest } from "../../shared/ingest/router.ts";
import { coreUser, reply, scimHarness, scimRequest, start } from "../sources/scim/harness.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";
import { describeLoginIdClaimsContract } from "./login-id-claims-contract.ts";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

/** A fresh table (createStateTable returns once it is ACTIVE). */
async function freshStore() {
  const tableName = await dynamo.createStateTable();
  return { tableName, store: new DynamoDbStateStore({ client: dynamo.client, tableName }) };
}

describeLoginIdClaimsContract("DynamoDbStateStore (dynalite)", async () => (await freshStore()).store);

describe("SCIM userName uniqueness on DynamoDB (dynalite)", () => {
  it("of 20 concurrent creates of one userName under different ids, exactly one is created", async () => {
    const { tableName, store } = await freshStore();
    const deps = { ...scimHarness().deps, store };
    const bodies = Array.from({ length: 20 }, (_, index) => ({
      schemas: [coreUser],
      externalId: `E-${index}`,
      userName: index % 2 ? "Ann.Lee@example.com" : "ann.lee@example.com",
    }));

    const answers = await Promise.all(
      bodies.map(async (body) =>
        reply(await routeIngestRequest(scimRequest("POST", "/Users", body, start), deps)),
      ),
    );

    const created = answers.filter((answer) => answer.status === 201);
    expect(created).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(19);
    expect(refused.every((answer) => answer.body.scimType === "uniqueness")).toBe(true);
    const holders = await store.findByLoginId("ann.lee@example.com");
    expect(holders.map((record) => record.person)).toEqual([created[0]?.body.id]);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { person: { S: "username#ann.lee@example.com" } },
        ConsistentRead: true,
      }),
    );
    expect(Item?.holder).toEqual({ S: created[0]?.body.id });
  });
});
