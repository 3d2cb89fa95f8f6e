import { type BatchGetItemCommandInput, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbReplayGuard } from "../../shared/aws/dynamodb-replay-guard.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";
import { describeStateStoreContract, personRecord } from "./state-store-contract.ts";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

async function freshStore() {
  const tableName = await dynamo.createStateTable();
  return { tableName, store: new DynamoDbStateStore({ client: dynamo.client, tableName }) };
}

describeStateStoreContract("DynamoDbStateStore (dynalite)", async () => (await freshStore()).store);

describe("DynamoDbStateStore", () => {
  it("keeps the version as a number, the record as JSON, the loginId lower-cased and the providers holding it", async () => {
    const { tableName, store } = await freshStore();
    await store.put(personRecord("p1", 0, "Ada@Example.com"));

    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: tableName, Key: { person: { S: "p1" } }, ConsistentRead: true }),
    );

    expect(Item).toEqual({
      person: { S: "p1" },
      version: { N: "1" },
      record: { S: JSON.stringify({ ...personRecord("p1", 0, "Ada@Example.com"), version: 1 }) },
      loginId: { S: "ada@example.com" },
      presentAt: { SS: ["descope"] },
    });
  });

  it("rebuilds the user counters from the persons' presence", async () => {
    const { tableName, store } = await freshStore();
    await Promise.all(["p1", "p2", "p3"].map((person) => store.put(personRecord(person, 0))));
    // A counter that drifted, and one of a provider nobody is at any more.
    const counter = (provider: string, users: number) =>
      dynamo.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { person: { S: `users#${provider}` }, users: { N: String(users) } },
        }),
      );
    await counter("descope", 7);
    await counter("old", 4);

    expect(await store.recountUsers()).toEqual({ descope: 3, old: 0 });

    expect(await store.countUsers("descope")).toBe(3);
    expect(await store.countUsers("old")).toBe(0);
    expect((await store.list({ limit: 10 })).records).toHaveLength(3);
  });

  it("does not index a person without a loginId", async () => {
    const { tableName, store } = await freshStore();
    const record = personRecord("p1", 0);
    delete record.desired.attributes.loginId;

    expect(await store.put(record)).toBe(true);

    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: tableName, Key: { person: { S: "p1" } }, ConsistentRead: true }),
    );
    expect(Item?.loginId).toBeUndefined();
  });

  it("refuses a stored record that is not a valid person record, without quoting it", async () => {
    const { tableName, store } = await freshStore();
    const put = (person: string, record: string) =>
      dynamo.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { person: { S: person }, version: { N: "1" }, record: { S: record } },
        }),
      );
    await put("p1", JSON.stringify({ person: "p1", version: 1, desired: "ada@example.com" }));
    await put("p2", "{ada@example.com");

    for (const person of ["p1", "p2"]) {
      const read = store.get([person]);
      await expect(read).rejects.toThrow(`the stored record of person "${person}" is invalid`);
      await expect(read).rejects.not.toThrow(/ada@/);
    }
  });

  it("ignores the webhook replay claims that share its table", async () => {
    const { tableName, store } = await freshStore();
    const guard = new DynamoDbReplayGuard({ client: dynamo.client, tableName });
    await guard.claim("acme-hr#evt-1", 300);
    await guard.claim("acme-hr#evt-2", 300);
    await store.put(personRecord("p1", 0));

    expect([...(await store.get(["replay#acme-hr#evt-1", "p1"])).keys()]).toEqual(["p1"]);
    const page = await store.list({ limit: 1 });
    expect(page.records.map((record) => record.person)).toEqual(["p1"]);
  });

  it("asks again for the keys DynamoDB left unprocessed", async () => {
    const { tableName, store } = await freshStore();
    const persons = Array.from({ length: 150 }, (_, n) => `person-${n}`);
    await Promise.all(persons.map((person) => store.put(personRecord(person, 0))));
    // Throttles the first BatchGetItem of each chunk: DynamoDB processes only 10 of its keys.
    const calls: number[] = [];
    const seen = new Set<string | undefined>();
    dynamo.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as Partial<BatchGetItemCommandInput>;
        const request = input.RequestItems?.[tableName];
        if (!request?.Keys) return next(args);
        calls.push(request.Keys.length);
        const persons = request.Keys.map((key) => key.person?.S);
        const retried = persons.some((person) => seen.has(person));
        for (const person of persons) seen.add(person);
        if (retried) return next(args);
        const [processed, unprocessed] = [request.Keys.slice(0, 10), request.Keys.slice(10)];
        const result = await next({
          ...args,
          input: { RequestItems: { [tableName]: { ...request, Keys: processed } } },
        });
        Object.assign(result.output as object, {
          UnprocessedKeys: { [tableName]: { ...request, Keys: unprocessed } },
        });
        return result;
      },
      { step: "initialize", name: "throttleBatchGet" },
    );

    try {
      const found = await store.get(persons);
      expect(found.size).toBe(150);
    } finally {
      dynamo.client.middlewareStack.remove("throttleBatchGet");
    }
    expect(calls.sort((a, b) => a - b)).toEqual([40, 50, 90, 100]);
  });
});
