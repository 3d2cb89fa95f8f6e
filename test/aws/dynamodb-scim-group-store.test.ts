import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbScimGroupStore } from "../../shared/aws/dynamodb-scim-group-store.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import type { ScimGroup } from "../../shared/sources/scim/group-store.ts";
import { emptyDesiredState } from "../../shared/sync/desired-state.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const group = (id: string, displayName: string, members: string[], source = "okta"): ScimGroup => ({
  source,
  id,
  displayName,
  members: members.map((value) => ({ value })),
  created: "2026-11-22T12:00:00.000Z",
  lastModified: "2026-11-22T12:00:00.000Z",
  version: 0,
});

describe("DynamoDbScimGroupStore (against dynalite)", () => {
  it("keeps groups per source with version-conditional writes, lists them, and deletes them", async () => {
    const tableName = await dynamo.createStateTable();
    const store = new DynamoDbScimGroupStore({ client: dynamo.client, tableName });
    expect(await store.list("okta")).toEqual([]);
    expect(await store.put(group("g2", "Admins", ["ann"]))).toBe(true);
    expect(await store.put(group("g1", "Engineering", ["ann", "bob"]))).toBe(true);
    expect(await store.put(group("g1", "Other", [], "entra"))).toBe(true);
    // A second create of the same id, and a write from a stale version, write nothing.
    expect(await store.put(group("g2", "Admins", []))).toBe(false);

    const read = await store.get("okta", ["g1", "g2", "missing"]);
    expect([...read.keys()].sort()).toEqual(["g1", "g2"]);
    expect(read.get("g1")).toEqual({ ...group("g1", "Engineering", ["ann", "bob"]), version: 1 });
    expect(await store.put({ ...(read.get("g1") as ScimGroup), displayName: "Eng", members: [] })).toBe(true);
    expect(await store.put({ ...(read.get("g1") as ScimGroup), displayName: "Stale" })).toBe(false);

    expect(await store.list("okta")).toEqual([
      {
        source: "okta",
        id: "g1",
        displayName: "Eng",
        created: "2026-11-22T12:00:00.000Z",
        lastModified: "2026-11-22T12:00:00.000Z",
        version: 2,
      },
      {
        source: "okta",
        id: "g2",
        displayName: "Admins",
        created: "2026-11-22T12:00:00.000Z",
        lastModified: "2026-11-22T12:00:00.000Z",
        version: 1,
      },
    ]);
    expect((await store.list("entra")).map((entry) => entry.displayName)).toEqual(["Other"]);

    await store.delete("okta", "g2");
    await store.delete("okta", "g2");
    expect((await store.list("okta")).map((entry) => entry.id)).toEqual(["g1"]);
    expect((await store.get("okta", ["g2"])).size).toBe(0);
  });

  it("stays invisible to the person-records store sharing the table", async () => {
    const tableName = await dynamo.createStateTable();
    const groups = new DynamoDbScimGroupStore({ client: dynamo.client, tableName });
    const persons = new DynamoDbStateStore({ client: dynamo.client, tableName });
    await groups.put(group("g1", "Admins", ["ann"]));
    await persons.put({ person: "ann", version: 0, desired: emptyDesiredState(), providers: {} });
    expect((await persons.list({ limit: 10 })).records.map((record) => record.person)).toEqual(["ann"]);
    expect((await persons.get(["scimgroup#okta#g1", "scimgroups#okta"])).size).toBe(0);
  });
});
