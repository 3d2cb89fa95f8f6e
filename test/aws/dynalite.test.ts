import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dynalite, startDynalite } from "./dynalite.ts";

// A CREATING window far longer than a request takes: a use before ACTIVE fails every time.
let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite({ createTableMs: 400 });
});
afterAll(() => dynamo.stop());

const table = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: "PAY_PER_REQUEST",
  KeySchema: [{ AttributeName: "person", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "person", AttributeType: "S" }],
});
const putPerson = (tableName: string) =>
  dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: { person: { S: "p1" } } }));

describe("dynalite test helper", () => {
  it("refuses items of a table still CREATING (the flake the helper's wait prevents)", async () => {
    await dynamo.client.send(new CreateTableCommand(table("unwaited")));

    await expect(putPerson("unwaited")).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("createTable resolves once the table is ACTIVE, so the first write lands", async () => {
    const tableName = await dynamo.createTable(table("waited"));

    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    await expect(putPerson(tableName)).resolves.toBeDefined();
  });

  it("createStateTable waits too, index included", async () => {
    const tableName = await dynamo.createStateTable();

    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexStatus)).toEqual(["ACTIVE"]);
    await expect(putPerson(tableName)).resolves.toBeDefined();
  });
});
