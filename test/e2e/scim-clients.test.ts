import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { scim, scimUser, settled, startTestStack } from "./stack.ts";

const readLatencyMs = 30;

const patchOp = (...Operations: object[]) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations,
});

/** What Okta and Entra send after the create, down to the simulators. */
describe("SCIM client sequences end to end", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack((config) => ({
      ...config,
      scim: [
        {
          name: "scim",
          tokenSecretName: "local/scim-token",
          groupMappings: [
            { group: "Engineering", roles: ["developer"], tenants: { "tenant-eu": ["member"] } },
          ],
        },
      ],
    }));
  });
  afterAll(() => stack.stop());

  const descopeUser = (loginId: string) =>
    stack.descope?.users().find((user) => user.loginIds.includes(loginId));
  const zitadelUser = (userName: string) => stack.zitadel?.users().find((user) => user.username === userName);

  it("Okta: a pushed group grants its roles and tenant roles; removing the member takes them back", async () => {
    const ann = { id: "00u1", email: "ann@example.com", givenName: "Ann", familyName: "Lee" };
    expect((await scim(stack, "POST", "/Users", scimUser(ann))).status).toBe(201);
    const group = await scim(stack, "POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Engineering",
      members: [{ value: "00u1", display: "ann@example.com" }],
    });
    expect(group.status).toBe(201);
    await settled(stack);
    expect(descopeUser(ann.email)).toMatchObject({
      roleNames: ["developer"],
      userTenants: [{ tenantId: "tenant-eu", roleNames: ["member"] }],
    });

    const removed = await scim(
      stack,
      "PATCH",
      `/Groups/${group.body.id}`,
      patchOp({ op: "remove", path: 'members[value eq "00u1"]' }),
    );
    expect(removed.status).toBeLessThan(300);
    await settled(stack);
    expect(descopeUser(ann.email)).toMatchObject({ roleNames: [], userTenants: [] });
  });

  it("Entra: capitalised ops with string booleans deactivate, and a path-less dotted key renames", async () => {
    const bo = { id: "8f7e-entra", email: "bo@example.com", givenName: "Bo", familyName: "Berg" };
    expect((await scim(stack, "POST", "/Users", scimUser(bo))).status).toBe(201);
    await settled(stack);

    const renamed = await scim(
      stack,
      "PATCH",
      `/Users/${bo.id}`,
      patchOp({ op: "Replace", value: { "name.familyName": "Borg" } }),
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.name.familyName).toBe("Borg");
    await settled(stack);
    expect(descopeUser(bo.email)?.familyName).toBe("Borg");
    expect(zitadelUser(bo.email)?.human.profile.familyName).toBe("Borg");

    const deactivated = await scim(
      stack,
      "PATCH",
      `/Users/${bo.id}`,
      patchOp({ op: "Replace", path: "active", value: "False" }),
    );
    expect(deactivated.body.active).toBe(false);
    await settled(stack);
    expect(descopeUser(bo.email)?.status).toBe("disabled");
    expect(zitadelUser(bo.email)?.state).toBe("USER_STATE_LOCKED");

    const read = await scim(
      stack,
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "BO@example.com"')}`,
    );
    expect(read.body).toMatchObject({ totalResults: 1, Resources: [{ id: bo.id, active: false }] });
  });

  it("20 concurrent creates of one userName under different ids: one 201, and one user at each provider", async () => {
    const people = Array.from({ length: 20 }, (_, index) => ({
      id: `race-${index}`,
      email: index % 2 ? "Cy.Race@example.com" : "cy.race@example.com",
      givenName: "Cy",
      familyName: `Race${index}`,
    }));

    // The in-memory store answers at once, DynamoDB in milliseconds: give its reads a latency, so that
    // concurrent requests interleave as they can on AWS.
    const store = stack.runtime.store;
    const { findByLoginId, get } = store;
    store.findByLoginId = async (loginId) => {
      await sleep(readLatencyMs);
      return findByLoginId.call(store, loginId);
    };
    store.get = async (persons) => {
      await sleep(readLatencyMs);
      return get.call(store, persons);
    };
    const answers = await Promise.all(
      people.map((person) => scim(stack, "POST", "/Users", scimUser(person))),
    ).finally(() => {
      store.findByLoginId = findByLoginId;
      store.get = get;
    });

    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(19);
    for (const answer of refused) expect(answer.body.scimType).toBe("uniqueness");
    await settled(stack);
    const isCy = (loginId: string) => loginId.toLowerCase() === "cy.race@example.com";
    expect(stack.descope?.users().filter((user) => user.loginIds.some(isCy))).toHaveLength(1);
    expect(stack.zitadel?.users().filter((user) => isCy(user.username))).toHaveLength(1);
  });

  it("a deleted user leaves its groups: no group lists it, and it is deactivated at both providers", async () => {
    const dee = { id: "del-1", email: "dee@example.com", givenName: "Dee", familyName: "Lane" };
    expect((await scim(stack, "POST", "/Users", scimUser(dee))).status).toBe(201);
    const group = await scim(stack, "POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Engineering Leavers",
      members: [{ value: dee.id }],
    });
    const engineering = await scim(
      stack,
      "GET",
      `/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}`,
    );
    const engineeringId = engineering.body.Resources[0].id as string;
    await scim(
      stack,
      "PATCH",
      `/Groups/${engineeringId}`,
      patchOp({ op: "add", path: "members", value: [{ value: dee.id }] }),
    );
    await settled(stack);
    expect(descopeUser(dee.email)).toMatchObject({ roleNames: ["developer"], status: "invited" });

    expect((await scim(stack, "DELETE", `/Users/${dee.id}`)).status).toBe(204);

    for (const id of [group.body.id, engineeringId]) {
      const read = await scim(stack, "GET", `/Groups/${id}`);
      expect((read.body.members ?? []).map((member: { value: string }) => member.value)).not.toContain(
        dee.id,
      );
    }
    await settled(stack);
    expect(descopeUser(dee.email)?.status).toBe("disabled");
    expect(zitadelUser(dee.email)?.state).toBe("USER_STATE_LOCKED");
  });
});
