import { describe, expect, it } from "vitest";
import {
  base,
  coreUser,
  enterpriseUser,
  groupUrn,
  listResponseUrn,
  patch,
  scimHarness,
  start,
} from "./harness.ts";

const at = (ms = 0) => new Date(start + ms).toISOString();
const filter = (text: string) => `filter=${encodeURIComponent(text)}`;
const emptyList = {
  schemas: [listResponseUrn],
  totalResults: 0,
  startIndex: 1,
  itemsPerPage: 0,
  Resources: [],
};

const mappings = {
  tokenSecretName: "scim-token",
  groupMappings: [
    { group: "Engineering", roles: ["developer"] },
    { group: "Admins", roles: ["admin"], tenants: { "tenant-eu": ["owner"] } },
  ],
};

/** The requests of Okta's SCIM 2.0 reference (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20). */
describe("Okta's documented SCIM 2.0 sequence", () => {
  const oktaUser = {
    schemas: [coreUser],
    userName: "test.user@okta.local",
    name: { givenName: "Test", familyName: "User" },
    emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
    displayName: "Test User",
    locale: "en-US",
    externalId: "00ujl29u0le5T6Aj10h7",
    groups: [],
    password: "1mz050nq",
    active: true,
  };
  const id = "00ujl29u0le5T6Aj10h7";

  it("checks, creates, reads, updates, deactivates and reactivates a user", async () => {
    const scim = scimHarness();
    const probe = await scim.send(
      "GET",
      `/Users?${filter('userName eq "test.user@okta.local"')}&startIndex=1&count=100`,
    );
    expect(probe.body).toEqual(emptyList);

    const created = await scim.send("POST", "/Users", oktaUser);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${base}/Users/${id}`);
    const resource = {
      schemas: [coreUser],
      id,
      externalId: id,
      userName: "test.user@okta.local",
      displayName: "Test User",
      active: true,
      emails: [{ value: "test.user@okta.local", type: "work", primary: true }],
      name: { givenName: "Test", familyName: "User" },
      meta: { resourceType: "User", created: at(), lastModified: at(), location: `${base}/Users/${id}` },
    };
    expect(created.body).toEqual(resource);
    const [create] = scim.queued();
    // The password travels to the providers inside the change, once; it is never stored or returned.
    expect(create).toMatchObject({
      person: id,
      kind: "upsert",
      attributes: { password: "1mz050nq", active: true },
    });
    expect(JSON.stringify(scim.store.all())).not.toContain("1mz050nq");

    expect((await scim.send("GET", `/Users/${id}`)).body).toEqual(resource);
    const found = await scim.send(
      "GET",
      `/Users?${filter('userName eq "test.user@okta.local"')}&startIndex=1&count=100`,
    );
    expect(found.body).toEqual({ ...emptyList, totalResults: 1, itemsPerPage: 1, Resources: [resource] });

    // Okta updates a profile with PUT, sending the resource back with its id and meta.
    const updated = await scim.send("PUT", `/Users/${id}`, {
      ...resource,
      name: { givenName: "Another", familyName: "User" },
      meta: undefined,
    });
    expect(updated.body).toEqual({
      ...resource,
      name: { givenName: "Another", familyName: "User" },
      meta: { ...resource.meta, lastModified: at(1) },
    });
    // Only what changed is sent on: attributes an HR source wrote meanwhile are not overruled.
    expect(scim.queued().map((change) => change.attributes)).toEqual([{ givenName: "Another" }]);

    const deactivate = patch({ op: "replace", value: { active: false } });
    const deactivated = await scim.send("PATCH", `/Users/${id}`, deactivate);
    expect(deactivated.body.active).toBe(false);
    const reactivated = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch({ op: "replace", value: { active: true } }),
    );
    expect(reactivated.body.active).toBe(true);
    expect(scim.queued()).toEqual([
      { id: "c3", source: "scim", person: id, at: at(2), kind: "upsert", attributes: { active: false } },
      { id: "c4", source: "scim", person: id, at: at(3), kind: "upsert", attributes: { active: true } },
    ]);
  });

  it("pushes a group: create, rename with the id in the value, add and remove members, delete", async () => {
    const scim = scimHarness(mappings);
    await scim.send("POST", "/Users", oktaUser);
    await scim.send("POST", "/Users", {
      ...oktaUser,
      userName: "second@okta.local",
      externalId: "00u2",
      password: undefined,
    });
    scim.queued();

    expect(
      (await scim.send("GET", `/Groups?${filter('displayName eq "Test SCIMv2"')}&startIndex=1&count=100`))
        .body,
    ).toEqual(emptyList);
    const created = await scim.send("POST", "/Groups", {
      schemas: [groupUrn],
      displayName: "Test SCIMv2",
      members: [],
    });
    expect(created.status).toBe(201);
    const groupId = created.body.id as string;
    expect(created.body).toEqual({
      schemas: [groupUrn],
      id: groupId,
      displayName: "Test SCIMv2",
      meta: {
        resourceType: "Group",
        created: at(),
        lastModified: at(),
        location: `${base}/Groups/${groupId}`,
      },
    });
    expect(created.headers.location).toBe(`${base}/Groups/${groupId}`);

    // Okta renames with a path-less replace carrying the (readOnly) id: the id is ignored.
    const renamed = await scim.send(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "replace", value: { id: groupId, displayName: "Engineering" } }),
    );
    expect(renamed.body.displayName).toBe("Engineering");

    const added = await scim.send(
      "PATCH",
      `/Groups/${groupId}`,
      patch({
        op: "add",
        path: "members",
        value: [
          { value: id, display: "test.user@okta.local" },
          { value: "00u2", display: "second@okta.local" },
        ],
      }),
    );
    expect(added.body.members).toEqual([
      { value: id, $ref: `${base}/Users/${id}`, type: "User", display: "test.user@okta.local" },
      { value: "00u2", $ref: `${base}/Users/00u2`, type: "User", display: "second@okta.local" },
    ]);
    const grants = scim.queued().map((change) => [change.person, change.attributes]);
    expect(grants).toEqual([
      [id, { roles: ["developer"], tenants: { "tenant-eu": null } }],
      ["00u2", { roles: ["developer"], tenants: { "tenant-eu": null } }],
    ]);

    const removed = await scim.send(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "remove", path: `members[value eq "${id}"]` }),
    );
    expect(removed.body.members.map((member: { value: string }) => member.value)).toEqual(["00u2"]);
    expect(scim.queued().map((change) => [change.person, change.attributes])).toEqual([
      [id, { roles: null, tenants: { "tenant-eu": null } }],
    ]);

    expect((await scim.send("DELETE", `/Groups/${groupId}`)).status).toBe(204);
    expect(scim.queued().map((change) => [change.person, change.attributes])).toEqual([
      ["00u2", { roles: null, tenants: { "tenant-eu": null } }],
    ]);
    expect((await scim.send("GET", `/Groups/${groupId}`)).status).toBe(404);
  });
});

/** The requests of Microsoft's "Known issues and request examples" for Entra ID provisioning. */
describe("Microsoft Entra ID's documented SCIM requests", () => {
  const entraUser = {
    schemas: [coreUser, enterpriseUser],
    externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
    active: true,
    emails: [
      { primary: true, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" },
    ],
    meta: { resourceType: "User" },
    name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
    roles: [],
  };
  const id = entraUser.externalId;

  it("creates, patches with capitalised ops, sets and removes the manager, and disables with a string", async () => {
    const scim = scimHarness();
    expect((await scim.send("GET", `/Users?${filter(`userName eq "${entraUser.userName}"`)}`)).body).toEqual(
      emptyList,
    );
    const created = await scim.send("POST", "/Users", entraUser);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, externalId: id, userName: entraUser.userName, active: true });
    scim.queued();

    const updated = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch(
        { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
        { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
      ),
    );
    expect(updated.body).toMatchObject({
      emails: [{ value: "updatedEmail@microsoft.com", type: "work", primary: true }],
      name: { givenName: "givenName", familyName: "updatedFamilyName" },
    });

    const managed = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch({
        op: "Add",
        path: "manager",
        value: [{ $ref: null, value: "2819c223-7f76-453a-919d-413861904646" }],
      }),
    );
    expect(managed.body[enterpriseUser]).toEqual({
      manager: {
        value: "2819c223-7f76-453a-919d-413861904646",
        $ref: `${base}/Users/2819c223-7f76-453a-919d-413861904646`,
      },
    });
    // The manager as a bare { value } under the qualified path, as newer Entra versions send it.
    const other = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch({ op: "replace", path: `${enterpriseUser}:manager`, value: { value: "M-2" } }),
    );
    expect(other.body[enterpriseUser].manager.value).toBe("M-2");
    const unmanaged = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch({ op: "Remove", path: `${enterpriseUser}:manager` }),
    );
    expect(unmanaged.body).not.toHaveProperty([enterpriseUser]);

    const disabled = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch({ op: "Replace", path: "active", value: "False" }),
    );
    expect(disabled.body.active).toBe(false);
    const enabled = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch({ op: "Replace", path: "active", value: "True" }),
    );
    expect(enabled.body.active).toBe(true);

    expect(scim.queued().map((change) => [change.at, change.attributes])).toEqual([
      [at(1), { email: "updatedEmail@microsoft.com", familyName: "updatedFamilyName" }],
      [at(2), { manager: "2819c223-7f76-453a-919d-413861904646" }],
      [at(3), { manager: "M-2" }],
      [at(4), { manager: null }],
      [at(5), { active: false }],
      [at(6), { active: true }],
    ]);
    expect((await scim.send("DELETE", `/Users/${id}`)).status).toBe(204);
    expect(scim.queued()).toEqual([
      { id: "c8", source: "scim", person: id, at: at(7), kind: "delete", attributes: {} },
    ]);
  });

  it("reads dotted keys and qualified enterprise keys inside a path-less value, in any case", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", entraUser);
    scim.queued();
    const patched = await scim.send(
      "PATCH",
      `/Users/${id}`,
      patch({
        op: "Replace",
        value: {
          displayName: "Jane Doe",
          "name.givenName": "Jane",
          "NAME.familyName": "Doe",
          [`${enterpriseUser}:employeeNumber`]: "7",
          [`${enterpriseUser}:department`]: "Finance",
          active: "False",
        },
      }),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: "Jane Doe",
      active: false,
      name: { givenName: "Jane", familyName: "Doe" },
      [enterpriseUser]: { employeeNumber: "7", department: "Finance" },
    });
    expect(scim.queued()[0]?.attributes).toEqual({
      active: false,
      displayName: "Jane Doe",
      givenName: "Jane",
      familyName: "Doe",
      employeeNumber: "7",
      department: "Finance",
    });
    // Entra's filter with an unquoted value, and its `excludedAttributes=members` group probes.
    const unquoted = await scim.send("GET", `/Users?${filter(`externalId eq ${id}`)}`);
    expect(unquoted.body.totalResults).toBe(1);
  });

  it("provisions a group and its members with Entra's Add/Remove member forms", async () => {
    const scim = scimHarness(mappings);
    await scim.send("POST", "/Users", entraUser);
    scim.queued();
    const probe = await scim.send(
      "GET",
      `/Groups?excludedAttributes=members&${filter('displayName eq "Admins"')}`,
    );
    expect(probe.body).toEqual(emptyList);
    const created = await scim.send("POST", "/Groups", {
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "Admins",
      meta: { resourceType: "Group" },
      schemas: [groupUrn],
    });
    const groupId = created.body.id as string;
    expect(created.body).toMatchObject({
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "Admins",
    });
    expect(scim.queued()).toEqual([]);

    const add = await scim.send(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "Add", path: "members", value: [{ $ref: null, value: id }] }),
    );
    expect(add.status).toBe(200);
    expect(scim.queued()).toEqual([
      {
        id: "c2",
        source: "scim",
        person: id,
        at: at(1),
        kind: "upsert",
        attributes: { roles: ["admin"], tenants: { "tenant-eu": ["owner"] } },
      },
    ]);
    const listed = await scim.send(
      "GET",
      `/Groups?excludedAttributes=members&${filter('displayName eq "admins"')}`,
    );
    expect(listed.body.Resources).toEqual([
      {
        schemas: [groupUrn],
        id: groupId,
        externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        displayName: "Admins",
        meta: {
          resourceType: "Group",
          created: at(),
          lastModified: at(1),
          location: `${base}/Groups/${groupId}`,
        },
      },
    ]);
    // A member added twice is a no-op (RFC 7644 §3.5.2.1) and queues nothing.
    await scim.send(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "Add", path: "members", value: [{ value: id }] }),
    );
    expect(scim.queued()).toEqual([]);
    const byMember = await scim.send("GET", `/Groups?${filter(`members.value eq "${id}"`)}`);
    expect(byMember.body.Resources.map((group: { id: string }) => group.id)).toEqual([groupId]);

    await scim.send(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "Remove", path: "members", value: [{ $ref: null, value: id }] }),
    );
    expect(scim.queued().map((change) => change.attributes)).toEqual([
      { roles: null, tenants: { "tenant-eu": null } },
    ]);
    const renamed = await scim.send(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "Replace", path: "displayName", value: "Ops" }),
    );
    expect(renamed.body.displayName).toBe("Ops");
  });
});
