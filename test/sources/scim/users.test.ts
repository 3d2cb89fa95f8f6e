import { describe, expect, it } from "vitest";
import type { UserChange } from "../../../shared/model/change.ts";
import type { ChangeQueue } from "../../../shared/sync/ports.ts";
import {
  base,
  coreUser,
  enterpriseUser,
  listResponseUrn,
  patch,
  scimErrorBody,
  scimHarness,
  start,
} from "./harness.ts";

const at = (ms = 0) => new Date(start + ms).toISOString();

/** RFC 7644 §3.3's creation example (the "Babs Jensen" user). */
const bjensen = {
  schemas: [coreUser],
  userName: "bjensen",
  externalId: "bjensen",
  name: { formatted: "Ms. Barbara J Jensen III", familyName: "Jensen", givenName: "Barbara" },
};

const bjensenResource = {
  schemas: [coreUser],
  id: "bjensen",
  userName: "bjensen",
  active: true,
  name: { givenName: "Barbara", familyName: "Jensen" },
  meta: {
    resourceType: "User",
    created: at(),
    lastModified: at(),
    location: `${base}/Users/bjensen`,
  },
};

describe("SCIM Users: RFC 7644 examples", () => {
  it("creates a user (§3.3): 201, Location, the resource, and one upsert change", async () => {
    const scim = scimHarness();
    const created = await scim.send("POST", "/Users", bjensen);
    expect(created).toEqual({
      status: 201,
      headers: { "content-type": "application/scim+json", location: `${base}/Users/bjensen` },
      body: bjensenResource,
    });
    expect(scim.queued()).toEqual([
      {
        id: "c1",
        source: "scim",
        person: "bjensen",
        at: at(),
        kind: "upsert",
        attributes: {
          active: true,
          loginId: "bjensen",
          email: null,
          emailVerified: null,
          phone: null,
          givenName: "Barbara",
          middleName: null,
          familyName: "Jensen",
          displayName: null,
          picture: null,
          title: null,
          department: null,
          employeeNumber: null,
          costCenter: null,
          manager: null,
          roles: null,
        },
      },
    ]);
  });

  it("reads the user back by id (§3.4.1) with attributes / excludedAttributes (§3.9)", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", bjensen);
    expect(await scim.send("GET", "/Users/bjensen")).toEqual({
      status: 200,
      headers: { "content-type": "application/scim+json" },
      body: bjensenResource,
    });
    expect((await scim.send("GET", "/Users/bjensen?attributes=userName,name.familyName")).body).toEqual({
      schemas: [coreUser],
      id: "bjensen",
      userName: "bjensen",
      name: { familyName: "Jensen" },
    });
    const { meta: _meta, name: _name, ...rest } = bjensenResource;
    expect((await scim.send("GET", "/Users/bjensen?excludedAttributes=meta,name")).body).toEqual(rest);
  });

  it("replaces a user with PUT (§3.5.1): what the body lacks is cleared, active is kept", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", {
      ...bjensen,
      title: "Tour Guide",
      emails: [{ value: "bjensen@example.com", type: "work" }],
      active: false,
    });
    scim.queued();
    const replaced = await scim.send("PUT", "/Users/bjensen", {
      schemas: [coreUser, enterpriseUser],
      id: "bjensen",
      userName: "bjensen",
      externalId: "bjensen",
      name: { familyName: "Jensen", givenName: "Barbara", middleName: "Jane" },
      emails: [
        { value: "bjensen@example.com", type: "work" },
        { value: "babs@jensen.org", type: "home" },
      ],
      [enterpriseUser]: {
        employeeNumber: "701984",
        department: "Tour Operations",
        manager: { value: "26118915" },
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({
      schemas: [coreUser, enterpriseUser],
      id: "bjensen",
      userName: "bjensen",
      active: false,
      emails: [{ value: "bjensen@example.com", type: "work", primary: true }],
      name: { givenName: "Barbara", middleName: "Jane", familyName: "Jensen" },
      [enterpriseUser]: {
        employeeNumber: "701984",
        department: "Tour Operations",
        manager: { value: "26118915", $ref: `${base}/Users/26118915` },
      },
      meta: { resourceType: "User", created: at(), lastModified: at(1), location: `${base}/Users/bjensen` },
    });
    const [change] = scim.queued();
    expect(change?.attributes).toMatchObject({ title: null, middleName: "Jane", manager: "26118915" });
    expect(change?.attributes).not.toHaveProperty("active");
  });

  it("patches with add, replace and remove (§3.5.2.1–3), answering 200 with the resource", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", {
      ...bjensen,
      emails: [{ value: "bjensen@example.com", type: "work" }],
    });
    scim.queued();
    // §3.5.2.1: a path-less add of attributes; nickName is not kept by this source (see customAttributes).
    const added = await scim.send(
      "PATCH",
      "/Users/bjensen",
      patch({ op: "add", value: { title: "Tour Guide", nickName: "Babs" } }),
    );
    expect(added.body).toMatchObject({ title: "Tour Guide" });
    expect(added.body).not.toHaveProperty("nickName");
    // §3.5.2.3: replace a sub-attribute of the items a value filter selects.
    const replaced = await scim.send(
      "PATCH",
      "/Users/bjensen",
      patch({ op: "replace", path: 'emails[type eq "work"].value', value: "babs@example.com" }),
    );
    expect(replaced.body.emails).toEqual([{ value: "babs@example.com", type: "work", primary: true }]);
    // §3.5.2.2: remove the items a filter with `and` selects.
    const removed = await scim.send(
      "PATCH",
      "/Users/bjensen",
      patch(
        { op: "remove", path: 'emails[type eq "work" and value ew "example.com"]' },
        { op: "remove", path: "title" },
      ),
    );
    expect(removed.body).not.toHaveProperty("emails");
    expect(removed.body).not.toHaveProperty("title");
    expect(scim.queued().map((change) => [change.at, change.attributes])).toEqual([
      [at(1), { title: "Tour Guide" }],
      [at(2), { email: "babs@example.com" }],
      [at(3), { email: null, emailVerified: null, title: null }],
    ]);
  });

  it("lists users with filters (§3.4.2) and pages them", async () => {
    const scim = scimHarness();
    for (const [userName, familyName, title] of [
      ["bjensen", "Jensen", "Tour Guide"],
      ["jsmith", "O'Malley", undefined],
      ["jdoe", "Doe", "Engineer"],
    ])
      await scim.send("POST", "/Users", { userName, name: { familyName }, ...(title ? { title } : {}) });
    const ids = async (query: string) => {
      const listed = await scim.send("GET", `/Users?${query}`);
      expect(listed.status).toBe(200);
      return listed.body.Resources.map((user: { id: string }) => user.id);
    };
    const filter = (text: string) => `filter=${encodeURIComponent(text)}`;
    expect(await ids(filter('userName eq "BJENSEN"'))).toEqual(["bjensen"]);
    expect(await ids(filter(`name.familyName co "O'Malley"`))).toEqual(["jsmith"]);
    expect(await ids(filter('userName sw "J"'))).toEqual(["jdoe", "jsmith"]);
    expect(await ids(filter("title pr"))).toEqual(["bjensen", "jdoe"]);
    expect(await ids(filter('title pr and not (userName eq "jdoe")'))).toEqual(["bjensen"]);
    expect(await ids(filter('userName eq "jdoe" or userName eq "jsmith"'))).toEqual(["jdoe", "jsmith"]);
    expect(await ids(filter('meta.lastModified ge "2026-11-22T12:00:00Z"'))).toEqual([
      "bjensen",
      "jdoe",
      "jsmith",
    ]);
    expect(await ids(filter('userName eq "nobody"'))).toEqual([]);
    const page = await scim.send("GET", "/Users?startIndex=2&count=1");
    expect(page.body).toMatchObject({
      schemas: [listResponseUrn],
      totalResults: 3,
      startIndex: 2,
      itemsPerPage: 1,
      Resources: [{ id: "jdoe" }],
    });
    const search = await scim.send("POST", "/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: 'userName sw "j"',
      attributes: ["userName"],
      count: 10,
    });
    expect(search.body.Resources).toEqual([
      { schemas: [coreUser], id: "jdoe", userName: "jdoe" },
      { schemas: [coreUser], id: "jsmith", userName: "jsmith" },
    ]);
  });
});

describe("SCIM Users: identity, uniqueness and read-your-writes", () => {
  it("does not create a second person for a repeated identical POST: 409 uniqueness, nothing queued", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", bjensen);
    scim.queued();
    const again = await scim.send("POST", "/Users", bjensen);
    expect(again).toEqual({
      status: 409,
      headers: { "content-type": "application/scim+json" },
      body: scimErrorBody(409, "uniqueness", 'a user with id "bjensen" already exists'),
    });
    expect(scim.queued()).toEqual([]);
    expect(scim.store.all().map((record) => record.person)).toEqual(["bjensen"]);
  });

  it("refuses a userName another person holds, in any case, on POST, PUT and PATCH", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", { userName: "ann@example.com", externalId: "E1" });
    await scim.send("POST", "/Users", { userName: "bob@example.com", externalId: "E2" });
    scim.queued();
    const detail = 'userName "ANN@example.com" is already taken by user "E1"';
    expect(
      (await scim.send("POST", "/Users", { userName: "ANN@example.com", externalId: "E3" })).body,
    ).toEqual(scimErrorBody(409, "uniqueness", detail));
    expect((await scim.send("PUT", "/Users/E2", { userName: "ANN@example.com" })).status).toBe(409);
    const patched = await scim.send(
      "PATCH",
      "/Users/E2",
      patch({ op: "replace", path: "userName", value: "ANN@example.com" }),
    );
    expect(patched.body).toEqual(scimErrorBody(409, "uniqueness", detail));
    expect(scim.queued()).toEqual([]);
  });

  it("answers GET from what was accepted before the sync worker ran, and a client's GET-then-POST works", async () => {
    const scim = scimHarness();
    const probe = await scim.send(
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "ann@example.com"')}`,
    );
    expect(probe.body).toEqual({
      schemas: [listResponseUrn],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    await scim.send("POST", "/Users", { userName: "ann@example.com", externalId: "E1", title: "Engineer" });
    await scim.send("PATCH", "/Users/E1", patch({ op: "replace", path: "title", value: "Lead" }));
    expect(scim.queue.depth).toBe(2);
    const found = await scim.send("GET", `/Users?filter=${encodeURIComponent('externalId eq "E1"')}`);
    expect(found.body.Resources[0]).toMatchObject({ id: "E1", userName: "ann@example.com", title: "Lead" });
  });

  it("deletes a user (204): the person gets a delete change and reads answer 404 afterwards", async () => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", bjensen);
    scim.queued();
    expect(await scim.send("DELETE", "/Users/bjensen")).toEqual({
      status: 204,
      headers: {},
      body: undefined,
    });
    expect(scim.queued()).toEqual([
      { id: "c2", source: "scim", person: "bjensen", at: at(1), kind: "delete", attributes: {} },
    ]);
    expect(await scim.send("GET", "/Users/bjensen")).toEqual({
      status: 404,
      headers: { "content-type": "application/scim+json" },
      body: scimErrorBody(404, undefined, 'no user with id "bjensen"'),
    });
    expect((await scim.send("DELETE", "/Users/bjensen")).status).toBe(404);
    // Created again, the same id is a new, active user.
    expect((await scim.send("POST", "/Users", bjensen)).status).toBe(201);
  });

  it("answers 503 and undoes its write when the queue refuses the change, so a retry is not lost", async () => {
    const scim = scimHarness();
    const refusing: ChangeQueue = {
      send: async (changes: readonly UserChange[]) => changes.map((c) => c.id),
    };
    const failing = { ...scim.deps, queue: refusing };
    const { routeIngestRequest } = await import("../../../shared/ingest/router.ts");
    const response = await routeIngestRequest(
      {
        method: "POST",
        path: "/scim/v2/Users",
        headers: { authorization: "Bearer scim-test-token", host: "h" },
        query: new URLSearchParams(),
        rawBody: Buffer.from(JSON.stringify(bjensen)),
        receivedAt: start,
      },
      failing,
    );
    expect(response.status).toBe(503);
    expect((await scim.send("GET", "/Users/bjensen")).status).toBe(404);
    expect((await scim.send("POST", "/Users", bjensen)).status).toBe(201);
  });
});

describe("SCIM Users: precise errors, never a 5xx", () => {
  const cases: [string, string, string, unknown, number, string | undefined][] = [
    ["unparsable JSON", "POST", "/Users", "{", 400, "invalidSyntax"],
    ["a body that is not an object", "POST", "/Users", [1], 400, "invalidSyntax"],
    ["a missing userName", "POST", "/Users", { name: { givenName: "A" } }, 400, "invalidValue"],
    ["a boolean that is not one", "POST", "/Users", { userName: "a", active: "maybe" }, 400, "invalidValue"],
    [
      "a filter that does not parse",
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "a')}`,
      undefined,
      400,
      "invalidFilter",
    ],
    [
      "a filter on an unknown attribute",
      "GET",
      `/Users?filter=${encodeURIComponent('shoeSize eq "9"')}`,
      undefined,
      400,
      "invalidFilter",
    ],
    ["a malformed startIndex", "GET", "/Users?startIndex=first", undefined, 400, "invalidValue"],
    [
      "a PATCH path that does not parse",
      "PATCH",
      "/Users/a",
      patch({ op: "replace", path: 'emails[type eq "work"', value: "x" }),
      400,
      "invalidPath",
    ],
    [
      "a PATCH path with too many dots",
      "PATCH",
      "/Users/a",
      patch({ op: "replace", path: "name.givenName.x", value: "x" }),
      400,
      "invalidPath",
    ],
    [
      "a PATCH of the readOnly id",
      "PATCH",
      "/Users/a",
      patch({ op: "replace", path: "id", value: "b" }),
      400,
      "mutability",
    ],
    [
      "a PATCH removing the required userName",
      "PATCH",
      "/Users/a",
      patch({ op: "remove", path: "userName" }),
      400,
      "mutability",
    ],
    [
      "a PATCH with an unknown op",
      "PATCH",
      "/Users/a",
      patch({ op: "move", path: "title" }),
      400,
      "invalidSyntax",
    ],
    [
      "a PATCH without Operations",
      "PATCH",
      "/Users/a",
      { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] },
      400,
      "invalidSyntax",
    ],
    ["a path-less remove", "PATCH", "/Users/a", patch({ op: "remove" }), 400, "noTarget"],
    [
      "a PATCH setting active to a non-boolean",
      "PATCH",
      "/Users/a",
      patch({ op: "replace", path: "active", value: "soon" }),
      400,
      "invalidValue",
    ],
    ["a PUT changing the id", "PUT", "/Users/a", { id: "b", userName: "a" }, 400, "mutability"],
    ["an unknown user", "GET", "/Users/nobody", undefined, 404, undefined],
    ["an unsupported method", "DELETE", "/Users", undefined, 405, undefined],
    ["an unknown resource type", "GET", "/Widgets", undefined, 404, undefined],
    ["/Me", "GET", "/Me", undefined, 501, undefined],
  ];
  it.each(cases)("%s", async (_name, method, path, body, status, scimType) => {
    const scim = scimHarness();
    await scim.send("POST", "/Users", { userName: "a" });
    scim.queued();
    const response =
      typeof body === "string"
        ? await scim.send(method, path, undefined, { raw: body })
        : await scim.send(method, path, body);
    expect(response.status).toBe(status);
    expect(response.headers["content-type"]).toBe("application/scim+json");
    expect(response.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: String(status),
      ...(scimType ? { scimType } : {}),
    });
    if (scimType === undefined) expect(response.body).not.toHaveProperty("scimType");
    expect(typeof response.body.detail).toBe("string");
    expect(scim.queued()).toEqual([]);
  });

  it("refuses a query that would scan more users than allowed with tooMany", async () => {
    const scim = scimHarness({ tokenSecretName: "scim-token", maxScannedRecords: 100 });
    for (let index = 0; index < 101; index += 1) await scim.send("POST", "/Users", { userName: `u${index}` });
    const listed = await scim.send("GET", `/Users?filter=${encodeURIComponent("title pr")}`);
    expect(listed.body).toEqual(
      scimErrorBody(
        400,
        "tooMany",
        "the query would read more than 100 users; filter by id, externalId or userName",
      ),
    );
    // Indexed lookups still answer.
    const one = await scim.send("GET", `/Users?filter=${encodeURIComponent('userName eq "u7"')}`);
    expect(one.body.totalResults).toBe(1);
  });
});
