import {
  type BatchGetItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbReplayGuard } from "../../shared/aws/dynamodb-replay-guard.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { setMembership } from "../../shared/aws/users-membership.ts";
import type { PersonRecord } from "../../shared/sync/person-record.ts";
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
      countedAt: { S: '["descope"]' },
    });
  });

  it("keeps the user counts exact when an invocation dies between writing a person and counting them", async () => {
    const { tableName } = await freshStore();
    // The first store's client dies at the given step, as a Lambda killed mid-put would.
    const dyingAt = (step: "membership" | "confirmation") =>
      new DynamoDbStateStore({
        tableName,
        client: {
          send: async (command: { input: UpdateItemCommandInput }) => {
            const { Key, UpdateExpression = "" } = command.input ?? {};
            const membership = Key?.person?.S?.startsWith("users#") === true;
            const confirmation = UpdateExpression.startsWith("SET #counted");
            if ((step === "membership" && membership) || (step === "confirmation" && confirmation))
              throw new Error("killed");
            return dynamo.client.send(command as never);
          },
        } as unknown as DynamoDBClient,
      });
    const store = new DynamoDbStateStore({ client: dynamo.client, tableName });
    /** The sync worker's way of writing: read, change, write conditionally (a redelivery does it again). */
    const write = async (on: DynamoDbStateStore, person: string, providers: PersonRecord["providers"]) => {
      const read = (await store.get([person])).get(person) ?? personRecord(person, 0);
      return on.put({ ...read, providers });
    };
    const acked = { user: { loginId: "x" }, userId: "U" };

    await expect(write(dyingAt("membership"), "p1", { descope: acked })).rejects.toThrow("killed");
    expect(await store.countUsers("descope")).toBe(0); // written, not counted yet: the mark is left
    await expect(write(dyingAt("confirmation"), "p2", { descope: acked })).rejects.toThrow("killed");
    expect(await store.countUsers("descope")).toBe(1); // counted, not confirmed

    // The redeliveries write the same persons again: each is counted exactly once.
    await write(store, "p1", { descope: acked });
    await write(store, "p2", { descope: acked });
    await write(store, "p2", { descope: acked });
    expect(await store.countUsers("descope")).toBe(2);

    // The same for a deletion, and a crash again on its redelivery.
    await expect(
      write(dyingAt("membership"), "p1", { descope: { ...acked, deleted: true } }),
    ).rejects.toThrow();
    await expect(
      write(dyingAt("confirmation"), "p1", { descope: { ...acked, deleted: true } }),
    ).rejects.toThrow();
    expect(await store.countUsers("descope")).toBe(1);
    await write(store, "p1", { descope: { ...acked, deleted: true } });
    expect(await store.countUsers("descope")).toBe(1);
  });

  it("counts from memberships guarded by version: a late, older write changes nothing", async () => {
    const { tableName, store } = await freshStore();
    const acked = { user: { loginId: "x" } };
    await store.put({ ...personRecord("p1", 0), providers: { descope: acked } });
    await store.put({ ...personRecord("p1", 1), providers: { descope: { ...acked, deleted: true } } });
    await setMembership(dynamo.client, tableName, "p1", 1, ["descope"], ["descope"]);

    expect(await store.countUsers("descope")).toBe(0);
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
