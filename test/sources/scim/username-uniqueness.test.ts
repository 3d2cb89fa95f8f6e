import { describe, expect, it } from "vitest";
import { claimGraceMs } from "../../../shared/sync/intake.ts";
import { personRecord } from "../../aws/state-store-contract.ts";
import { coreUser, patch, scimHarness, start } from "./harness.ts";

const user = (externalId: string, userName: string) => ({ schemas: [coreUser], externalId, userName });
const uniqueness = { status: "409", scimType: "uniqueness" };

describe("SCIM userName uniqueness is atomic", () => {
  it("of 20 concurrent creates of one userName under different ids, one is 201 and 19 are 409", async () => {
    const scim = scimHarness();

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        scim.send("POST", "/Users", user(`E-${index}`, index % 2 ? "ANN@example.com" : "ann@example.com")),
      ),
    );

    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(19);
    for (const answer of refused) expect(answer.body).toMatchObject(uniqueness);
    const winner = answers.find((answer) => answer.status === 201)?.body.id;
    expect(scim.store.all().map((record) => record.person)).toEqual([winner]);
    expect(scim.queued().map((change) => change.person)).toEqual([winner]);
    expect(scim.store.claims()).toEqual(new Map([["ann@example.com", winner]]));
  });

  it("a rename claims the new userName and releases the old one; a delete releases it", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", user("E-1", "ann@example.com"));
    await scim.send("POST", "/Users", user("E-2", "bo@example.com"));

    const renamed = await scim.send(
      "PATCH",
      "/Users/E-1",
      patch({ op: "replace", path: "userName", value: "ann.lee@example.com" }),
    );
    expect(renamed.status).toBe(200);
    expect((await scim.send("POST", "/Users", user("E-3", "ann.lee@example.com"))).body).toMatchObject(
      uniqueness,
    );
    expect((await scim.send("POST", "/Users", user("E-3", "ann@example.com"))).status).toBe(201);

    const put = await scim.send("PUT", "/Users/E-2", user("E-2", "bo.chen@example.com"));
    expect(put.status).toBe(200);
    expect((await scim.send("POST", "/Users", user("E-4", "bo@example.com"))).status).toBe(201);

    expect((await scim.send("DELETE", "/Users/E-4")).status).toBe(204);
    expect((await scim.send("POST", "/Users", user("E-5", "bo@example.com"))).status).toBe(201);
    expect(scim.store.claims()).toEqual(
      new Map([
        ["ann.lee@example.com", "E-1"],
        ["ann@example.com", "E-3"],
        ["bo.chen@example.com", "E-2"],
        ["bo@example.com", "E-5"],
      ]),
    );
  });

  it("refuses a userName a person of another source holds without a claim", async () => {
    const scim = scimHarness();
    // An HR source's person: written by the sync worker, never claimed.
    await scim.store.put(personRecord("HR-7", 0, "Ann@example.com"));

    expect((await scim.send("POST", "/Users", user("E-1", "ann@example.com"))).body).toMatchObject({
      ...uniqueness,
      detail: 'userName "ann@example.com" is already taken by user "HR-7"',
    });
    expect(scim.store.claims()).toEqual(new Map());
  });

  it("refuses a rename to a userName another person has claimed", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", user("E-1", "ann@example.com"));
    await scim.store.claimLoginId("bo@example.com", "E-2", start);

    const answer = await scim.send(
      "PATCH",
      "/Users/E-1",
      patch({ op: "replace", path: "userName", value: "Bo@example.com" }),
    );

    expect(answer.body).toMatchObject(uniqueness);
    expect(scim.store.claims().get("ann@example.com")).toBe("E-1");
  });

  it("leaves a claim whose holder never became a user to its request, then takes it over", async () => {
    const scim = scimHarness();
    // A create that claimed the userName and then failed (or crashed) before writing its user.
    await scim.store.claimLoginId("ann@example.com", "E-lost", start);

    expect((await scim.send("POST", "/Users", user("E-1", "ann@example.com"))).body).toMatchObject(
      uniqueness,
    );
    scim.advance(claimGraceMs);
    expect((await scim.send("POST", "/Users", user("E-1", "ann@example.com"))).status).toBe(201);
    expect(scim.store.claims().get("ann@example.com")).toBe("E-1");
  });

  it("lets the holder's own retry through: a create answered 503 can be repeated", async () => {
    const scim = scimHarness();
    await scim.store.claimLoginId("ann@example.com", "E-1", start);

    expect((await scim.send("POST", "/Users", user("E-1", "ann@example.com"))).status).toBe(201);
  });

  it("refuses an id that would name a claim (or any item of the state store's own)", async () => {
    const scim = scimHarness();

    for (const externalId of ["username#ann@example.com", "USERS#descope", "scimgroup#x"])
      expect((await scim.send("POST", "/Users", user(externalId, "ann@example.com"))).body).toMatchObject({
        status: "400",
        scimType: "invalidValue",
        detail: `externalId (or userName) "${externalId}" uses a reserved prefix`,
      });
    expect(scim.store.all()).toEqual([]);
  });
});
