import { describe, expect, it } from "vitest";
import type { ScimSourceInput } from "../../../shared/config/scim.ts";
import {
  base,
  coreUser,
  enterpriseUser,
  groupUrn,
  listResponseUrn,
  patch,
  scimErrorBody,
  scimHarness,
} from "./harness.ts";

const bulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const bulkResponse = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

const source: ScimSourceInput = {
  tokenSecretName: "scim-token",
  groupMappings: [
    { group: "Engineering", roles: ["developer"], tenants: { acme: ["viewer"] } },
    { group: "Admins", roles: ["admin"], tenants: { acme: ["owner"], globex: [] } },
  ],
};

describe("SCIM Groups → roles and tenant roles", () => {
  it("grants the union of every mapped group, per tenant, and takes it back group by group", async () => {
    const scim = scimHarness(source);
    await scim.send("POST", "/Users", { userName: "ann" });
    scim.queued();
    const engineering = (
      await scim.send("POST", "/Groups", { displayName: "engineering", members: [{ value: "ann" }] })
    ).body.id;
    const admins = (
      await scim.send("POST", "/Groups", { displayName: "Admins", members: [{ value: "ann" }] })
    ).body.id;
    const unmapped = await scim.send("POST", "/Groups", {
      displayName: "Book club",
      members: [{ value: "ann" }],
    });
    expect(unmapped.status).toBe(201);
    expect(scim.queued().map((change) => change.attributes)).toEqual([
      { roles: ["developer"], tenants: { acme: ["viewer"], globex: null } },
      { roles: ["admin", "developer"], tenants: { acme: ["owner", "viewer"], globex: [] } },
    ]);
    // PUT replaces the members: ann leaves Admins.
    const replaced = await scim.send("PUT", `/Groups/${admins}`, { displayName: "Admins", members: [] });
    expect(replaced.body).not.toHaveProperty("members");
    expect(scim.queued().map((change) => change.attributes)).toEqual([
      { roles: ["developer"], tenants: { acme: ["viewer"], globex: null } },
    ]);
    // Renaming a group out of its mapping takes its roles away from every member.
    await scim.send(
      "PATCH",
      `/Groups/${engineering}`,
      patch({ op: "replace", path: "displayName", value: "Alumni" }),
    );
    expect(scim.queued().map((change) => [change.person, change.kind, change.attributes])).toEqual([
      ["ann", "upsert", { roles: null, tenants: { acme: null, globex: null } }],
    ]);
    // The User resource does not show roles the groups own (the attribute is not in its schema).
    expect((await scim.send("GET", "/Users/ann")).body).not.toHaveProperty("roles");
  });

  it("refuses duplicate displayNames, non-User members, unknown groups, and more than 10,000 members", async () => {
    const scim = scimHarness(source);
    await scim.send("POST", "/Groups", { displayName: "Admins" });
    const duplicate = await scim.send("POST", "/Groups", { displayName: "ADMINS" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ scimType: "uniqueness" });
    expect(
      (await scim.send("POST", "/Groups", { displayName: "G", members: [{ value: "x", type: "Group" }] }))
        .body,
    ).toEqual(scimErrorBody(400, "invalidValue", 'member "x": only Users can be members'));
    expect((await scim.send("POST", "/Groups", { members: [] })).body).toEqual(
      scimErrorBody(400, "invalidValue", "displayName is required"),
    );
    expect(
      (
        await scim.send(
          "PATCH",
          "/Groups/nope",
          patch({ op: "add", path: "members", value: [{ value: "a" }] }),
        )
      ).status,
    ).toBe(404);
    const many = Array.from({ length: 10_001 }, (_, index) => ({ value: `u${index}` }));
    expect((await scim.send("POST", "/Groups", { displayName: "Everyone", members: many })).body).toEqual(
      scimErrorBody(400, "tooMany", "a group may have at most 10000 members"),
    );
    expect(scim.queued()).toEqual([]);
  });

  it("answers 501 for /Groups when no group store is wired", async () => {
    const scim = scimHarness(source, { groups: false });
    expect((await scim.send("GET", "/Groups")).body).toEqual(
      scimErrorBody(501, undefined, "Groups are not enabled for this SCIM source"),
    );
  });
});

describe("SCIM Bulk (RFC 7644 §3.7)", () => {
  it("runs operations with bulkId references, in dependency order, and answers each", async () => {
    const scim = scimHarness(source);
    const response = await scim.send("POST", "/Bulk", {
      schemas: [bulkRequest],
      Operations: [
        // Refers to a user created later in the request: it waits for it.
        {
          method: "POST",
          path: "/Groups",
          bulkId: "qwerty",
          data: {
            schemas: [groupUrn],
            displayName: "Admins",
            members: [{ type: "User", value: "bulkId:ytrewq" }],
          },
        },
        {
          method: "POST",
          path: "/Users",
          bulkId: "ytrewq",
          data: { schemas: [coreUser], userName: "Alice" },
        },
        {
          method: "PATCH",
          path: "/Users/bulkId:ytrewq",
          data: patch({ op: "add", path: "title", value: "CEO" }),
        },
        { method: "DELETE", path: "/Users/nobody" },
      ],
    });
    expect(response.status).toBe(200);
    // Answered in the order of the request, although the group ran after the user it refers to.
    const groupLocation = response.body.Operations[0].location as string;
    expect(groupLocation).toMatch(new RegExp(`^${base}/Groups/[0-9a-f-]{36}$`));
    expect(response.body).toEqual({
      schemas: [bulkResponse],
      Operations: [
        { method: "POST", bulkId: "qwerty", location: groupLocation, status: "201" },
        { method: "POST", bulkId: "ytrewq", location: `${base}/Users/Alice`, status: "201" },
        { method: "PATCH", location: `${base}/Users/Alice`, status: "200" },
        {
          method: "DELETE",
          status: "404",
          response: scimErrorBody(404, undefined, 'no user with id "nobody"'),
        },
      ],
    });
    // The user, then the PATCH (its reference was resolved), then the group that waited for the user.
    const changes = scim.queued();
    expect(changes.map((change) => change.person)).toEqual(["Alice", "Alice", "Alice"]);
    expect(changes[0]?.attributes).toMatchObject({ loginId: "Alice", active: true });
    expect(changes.slice(1).map((change) => change.attributes)).toEqual([
      { title: "CEO" },
      { roles: ["admin"], tenants: { acme: ["owner"], globex: [] } },
    ]);
  });

  it("stops after failOnErrors errors and reports circular and failed references", async () => {
    const scim = scimHarness(source);
    const stopped = await scim.send("POST", "/Bulk", {
      schemas: [bulkRequest],
      failOnErrors: 1,
      Operations: [
        { method: "POST", path: "/Users", bulkId: "a", data: { name: { givenName: "no userName" } } },
        { method: "POST", path: "/Users", bulkId: "b", data: { userName: "bob" } },
      ],
    });
    expect(stopped.body.Operations).toEqual([
      {
        method: "POST",
        bulkId: "a",
        status: "400",
        response: scimErrorBody(
          400,
          "invalidValue",
          "userName: Invalid input: expected string, received undefined",
        ),
      },
    ]);
    expect(scim.queued()).toEqual([]);
    const circular = await scim.send("POST", "/Bulk", {
      Operations: [
        {
          method: "POST",
          path: "/Groups",
          bulkId: "g1",
          data: { displayName: "G1", members: [{ value: "bulkId:g2" }] },
        },
        {
          method: "POST",
          path: "/Groups",
          bulkId: "g2",
          data: { displayName: "G2", members: [{ value: "bulkId:g1" }] },
        },
        {
          method: "PATCH",
          path: "/Users/bulkId:missing",
          data: patch({ op: "add", path: "title", value: "x" }),
        },
      ],
    });
    expect(circular.body.Operations.map((operation: { status: string }) => operation.status)).toEqual([
      "409",
      "409",
      "409",
    ]);
    expect(circular.body.Operations[2].response.detail).toBe(
      'bulkId "missing" names no operation that succeeded',
    );
  });

  it("refuses requests beyond maxOperations or maxPayloadSize with 413, and malformed ones with 400", async () => {
    const scim = scimHarness({
      tokenSecretName: "scim-token",
      bulk: { maxOperations: 2, maxPayloadSize: 2048 },
    });
    const operation = { method: "POST", path: "/Users", bulkId: "x", data: { userName: "x" } };
    const tooMany = await scim.send("POST", "/Bulk", {
      schemas: [bulkRequest],
      Operations: [operation, { ...operation, bulkId: "y" }, { ...operation, bulkId: "z" }],
    });
    expect(tooMany).toEqual({
      status: 413,
      headers: { "content-type": "application/scim+json" },
      body: scimErrorBody(413, undefined, "the number of operations exceeds the maxOperations (2)"),
    });
    const tooLarge = await scim.send("POST", "/Bulk", {
      schemas: [bulkRequest],
      Operations: [{ ...operation, data: { userName: "x", title: "t".repeat(2100) } }],
    });
    expect(tooLarge.body).toEqual(
      scimErrorBody(413, undefined, "the size of the bulk request exceeds the maxPayloadSize (2048)"),
    );
    const noBulkId = await scim.send("POST", "/Bulk", {
      Operations: [{ method: "POST", path: "/Users", data: {} }],
    });
    expect(noBulkId.body).toEqual(
      scimErrorBody(400, "invalidSyntax", "Operations[0]: a POST needs a bulkId"),
    );
    expect((await scim.send("GET", "/Bulk")).status).toBe(405);
    expect(scim.queued()).toEqual([]);
  });
});

describe("SCIM discovery tells the truth", () => {
  it("advertises the source's limits in /ServiceProviderConfig", async () => {
    const scim = scimHarness(
      {
        tokenSecretName: "scim-token",
        maxResults: 100,
        bulk: { maxOperations: 50, maxPayloadSize: 4 * 1024 * 1024 },
      },
      { config: { maxBodyBytes: 2 * 1024 * 1024 } },
    );
    expect((await scim.send("GET", "/ServiceProviderConfig")).body).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
      patch: { supported: true },
      // Never more than the ingest body limit, whatever the source says.
      bulk: { supported: true, maxOperations: 50, maxPayloadSize: 2 * 1024 * 1024 },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [
        {
          type: "oauthbearertoken",
          name: "OAuth Bearer Token",
          description: "The source's long-lived bearer token, sent as Authorization: Bearer <token>",
          specUri: "https://www.rfc-editor.org/rfc/rfc6750",
          primary: true,
        },
      ],
      meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
    });
  });

  it("lists resource types and schemas: groups only with a group store, roles only without mappings", async () => {
    const withGroups = scimHarness(source);
    const types = await withGroups.send("GET", "/ResourceTypes");
    expect(types.body).toMatchObject({ schemas: [listResponseUrn], totalResults: 2 });
    expect(types.body.Resources[0]).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "User Account",
      schema: coreUser,
      schemaExtensions: [{ schema: enterpriseUser, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    });
    expect((await withGroups.send("GET", "/ResourceTypes/Group")).body).toMatchObject({
      endpoint: "/Groups",
      schema: groupUrn,
    });
    const schemas = await withGroups.send("GET", "/Schemas");
    expect(schemas.body.Resources.map((schema: { id: string }) => schema.id)).toEqual([
      coreUser,
      enterpriseUser,
      groupUrn,
    ]);
    const user = (await withGroups.send("GET", `/Schemas/${coreUser}`)).body;
    const names = user.attributes.map((attribute: { name: string }) => attribute.name);
    expect(names).toEqual([
      "userName",
      "name",
      "displayName",
      "title",
      "active",
      "password",
      "emails",
      "phoneNumbers",
      "photos",
    ]);

    const usersOnly = scimHarness(
      { tokenSecretName: "scim-token", customAttributes: { nickName: "nickname", division: "division" } },
      { groups: false },
    );
    expect((await usersOnly.send("GET", "/ResourceTypes")).body.totalResults).toBe(1);
    expect((await usersOnly.send("GET", "/ResourceTypes/Group")).status).toBe(404);
    const own = (await usersOnly.send("GET", `/Schemas/${coreUser}`)).body;
    expect(own.attributes.map((attribute: { name: string }) => attribute.name)).toEqual([
      "userName",
      "name",
      "displayName",
      "title",
      "nickName",
      "active",
      "password",
      "emails",
      "phoneNumbers",
      "photos",
      "roles",
    ]);
    const enterprise = (await usersOnly.send("GET", `/Schemas/${enterpriseUser}`)).body;
    expect(enterprise.attributes.map((attribute: { name: string }) => attribute.name)).toEqual([
      "employeeNumber",
      "costCenter",
      "division",
      "department",
      "manager",
    ]);
    // What /Schemas advertises is kept: nickName and division round-trip, as custom attributes.
    const created = await usersOnly.send("POST", "/Users", {
      userName: "kim",
      nickName: "Kimmy",
      [enterpriseUser]: { division: "North" },
    });
    expect(created.body).toMatchObject({ nickName: "Kimmy", [enterpriseUser]: { division: "North" } });
    expect(usersOnly.queued()[0]?.attributes.customAttributes).toEqual({
      nickname: "Kimmy",
      division: "North",
    });
  });

  it("refuses filters on discovery endpoints (403) and unknown schemas (404)", async () => {
    const scim = scimHarness();
    expect((await scim.send("GET", "/Schemas?filter=id%20pr")).status).toBe(403);
    expect((await scim.send("GET", "/Schemas/urn:example:nope")).status).toBe(404);
    expect((await scim.send("POST", "/ServiceProviderConfig", {})).status).toBe(405);
  });
});
