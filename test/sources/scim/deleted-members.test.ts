import { describe, expect, it } from "vitest";
import type { ScimSourceInput } from "../../../shared/config/scim.ts";
import { patch, scimHarness } from "./harness.ts";

const source: ScimSourceInput = {
  tokenSecretName: "scim-token",
  groupMappings: [{ group: "Engineering", roles: ["developer"], tenants: { acme: ["viewer"] } }],
};

describe("SCIM: a deleted User is no group's member", () => {
  it("leaves every group's members, losing the group's roles before the delete", async () => {
    const scim = scimHarness(source);
    await scim.send("POST", "/Users", { userName: "ann" });
    await scim.send("POST", "/Users", { userName: "bo" });
    const members = [{ value: "ann" }, { value: "bo" }];
    const engineering = (await scim.send("POST", "/Groups", { displayName: "Engineering", members })).body.id;
    const bookClub = (await scim.send("POST", "/Groups", { displayName: "Book club", members })).body.id;
    const alone = (
      await scim.send("POST", "/Groups", { displayName: "Ann only", members: [{ value: "ann" }] })
    ).body.id;
    scim.queued();

    expect((await scim.send("DELETE", "/Users/ann")).status).toBe(204);

    for (const id of [engineering, bookClub])
      expect(
        (await scim.send("GET", `/Groups/${id}`)).body.members.map((m: { value: string }) => m.value),
      ).toEqual(["bo"]);
    expect((await scim.send("GET", `/Groups/${alone}`)).body).not.toHaveProperty("members");
    const filtered = await scim.send("GET", `/Groups?filter=${encodeURIComponent('members.value eq "ann"')}`);
    expect(filtered.body.totalResults).toBe(0);
    const changes = scim.queued();
    expect(changes.map((change) => [change.person, change.kind, change.attributes])).toEqual([
      ["ann", "upsert", { roles: null, tenants: { acme: null } }],
      ["ann", "delete", {}],
    ]);
    expect(Date.parse(changes[1]?.at as string)).toBeGreaterThan(Date.parse(changes[0]?.at as string));
    expect((await scim.send("GET", "/Users/ann")).status).toBe(404);
  });

  it("gives a deleted person added to a mapped group no grants, which would bring them back", async () => {
    const scim = scimHarness(source);
    await scim.send("POST", "/Users", { userName: "ann" });
    await scim.send("DELETE", "/Users/ann");
    const group = (await scim.send("POST", "/Groups", { displayName: "Engineering" })).body.id;
    scim.queued();

    const added = await scim.send(
      "PATCH",
      `/Groups/${group}`,
      patch({ op: "add", path: "members", value: [{ value: "ann" }] }),
    );

    expect(added.status).toBe(200);
    expect(scim.queued()).toEqual([]);
    expect((await scim.send("GET", "/Users/ann")).status).toBe(404);
  });
});
