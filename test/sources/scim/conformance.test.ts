import { describe, expect, it } from "vitest";
import { coreUser, enterpriseUser, groupUrn, patch, scimHarness, start } from "./harness.ts";

const hour = 3_600_000;
const iso = (ms: number) => new Date(start + ms).toISOString();
const filter = (text: string) => `filter=${encodeURIComponent(text)}`;

/** Three users written an hour apart: bjensen at start, jsmith at +1 h, jdoe at +2 h. */
async function threeUsers() {
  const scim = scimHarness({ tokenSecretName: "scim-token", customAttributes: { nickName: "nickname" } });
  const users = [
    { userName: "bjensen", title: "Tour Guide", emails: [{ value: "bjensen@example.com", type: "work" }] },
    {
      userName: "jsmith",
      name: { familyName: "O'Malley" },
      emails: [{ value: "js@example.org", type: "work" }],
    },
    { userName: "jdoe", title: "Engineer", active: false },
  ];
  for (const user of users) {
    expect((await scim.send("POST", "/Users", { schemas: [coreUser], ...user })).status).toBe(201);
    scim.advance(hour);
  }
  const ids = async (query: string) => {
    const listed = await scim.send("GET", `/Users?${query}`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    return listed.body.Resources.map((user: { id: string }) => user.id);
  };
  const refusal = async (query: string) => (await scim.send("GET", `/Users?${query}`)).body;
  return { scim, ids, refusal };
}

describe("RFC 7644 §3.4.2.2 filters", () => {
  it("compares dates with gt, ge, lt and le, alone and combined with and, or, not and parentheses", async () => {
    const { ids } = await threeUsers();

    expect(await ids(filter(`meta.lastModified gt "${iso(0)}"`))).toEqual(["jdoe", "jsmith"]);
    expect(await ids(filter(`meta.lastModified ge "${iso(hour)}"`))).toEqual(["jdoe", "jsmith"]);
    expect(await ids(filter(`meta.lastModified lt "${iso(hour)}"`))).toEqual(["bjensen"]);
    expect(await ids(filter(`meta.lastModified le "${iso(hour)}"`))).toEqual(["bjensen", "jsmith"]);
    // The same instant in another offset is the same time.
    expect(await ids(filter('meta.created eq "2026-11-22T13:00:00+01:00"'))).toEqual(["bjensen"]);
    expect(await ids(filter('meta.lastModified gt "2011-05-13T04:42:34Z"'))).toHaveLength(3);
    expect(
      await ids(filter(`meta.lastModified gt "${iso(0)}" and meta.lastModified lt "${iso(2 * hour)}"`)),
    ).toEqual(["jsmith"]);
    expect(
      await ids(filter(`meta.lastModified lt "${iso(hour)}" or meta.lastModified ge "${iso(2 * hour)}"`)),
    ).toEqual(["bjensen", "jdoe"]);
    expect(
      await ids(filter(`title pr and (meta.lastModified gt "${iso(hour)}" or userName eq "bjensen")`)),
    ).toEqual(["bjensen", "jdoe"]);
    expect(await ids(filter(`not (meta.lastModified ge "${iso(hour)}")`))).toEqual(["bjensen"]);
  });

  it("answers the RFC's other examples: pr, sw, co, URN-qualified names, value paths, booleans", async () => {
    const { ids } = await threeUsers();

    expect(await ids(filter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"'))).toEqual([
      "jdoe",
      "jsmith",
    ]);
    expect(await ids(filter("title pr"))).toEqual(["bjensen", "jdoe"]);
    expect(await ids(filter("not (title pr)"))).toEqual(["jsmith"]);
    expect(await ids(filter('emails co "example.com"'))).toEqual(["bjensen"]);
    expect(await ids(filter('emails.value co "example.org" or emails co "example.com"'))).toEqual([
      "bjensen",
      "jsmith",
    ]);
    expect(await ids(filter('emails[type eq "work" and value co "@example.com"]'))).toEqual(["bjensen"]);
    expect(await ids(filter('title pr and emails[type eq "work" and value co "@example.com"]'))).toEqual([
      "bjensen",
    ]);
    expect(await ids(filter("active eq false"))).toEqual(["jdoe"]);
    expect(await ids(filter('active eq "False"'))).toEqual(["jdoe"]);
    expect(await ids(filter("active ne false"))).toEqual(["bjensen", "jsmith"]);
    expect(await ids(filter('emails[type eq "work"].value ew "example.org"'))).toEqual(["jsmith"]);
    expect(await ids(filter('userName eq "bjensen" OR userName eq "jdoe"'))).toEqual(["bjensen", "jdoe"]);
    expect(await ids(filter(`schemas eq "${coreUser}"`))).toEqual(["bjensen", "jdoe", "jsmith"]);
    expect(await ids(filter(`schemas eq "${enterpriseUser}"`))).toEqual([]);
  });

  it("refuses what it cannot evaluate with 400 invalidFilter, naming the problem", async () => {
    const { refusal } = await threeUsers();
    const invalidFilter = { status: "400", scimType: "invalidFilter" };

    for (const text of [
      'userName eq "bjensen',
      "userName eq",
      'userName xx "bjensen"',
      '(userName eq "bjensen"',
      'userName eq "bjensen")',
      'userType eq "Employee"',
      'meta.lastModified gt "yesterday"',
      'meta.lastModified gt "2011-05-13"x',
      "active gt true",
      'active co "t"',
      'emails[type eq "work"',
      'title eq "a" and',
      "not",
    ])
      expect(await refusal(filter(text)), text).toMatchObject(invalidFilter);
  });
});

describe("RFC 7644 §3.4.2.4 pagination", () => {
  it("pages with startIndex and count, answers count=0 with totalResults alone, and caps count", async () => {
    const { scim } = await threeUsers();

    expect((await scim.send("GET", "/Users?startIndex=1&count=2")).body).toMatchObject({
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 2,
      Resources: [{ id: "bjensen" }, { id: "jdoe" }],
    });
    expect((await scim.send("GET", "/Users?startIndex=3&count=2")).body).toMatchObject({
      totalResults: 3,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [{ id: "jsmith" }],
    });
    const none = (await scim.send("GET", "/Users?count=0")).body;
    expect(none).toMatchObject({ totalResults: 3, itemsPerPage: 0, startIndex: 1 });
    expect(none.Resources ?? []).toEqual([]);
    expect((await scim.send("GET", "/Users?startIndex=0&count=-1")).body).toMatchObject({
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 0,
    });
    expect((await scim.send("GET", "/Users?startIndex=10")).body).toMatchObject({
      totalResults: 3,
      startIndex: 10,
      itemsPerPage: 0,
      Resources: [],
    });
    expect((await scim.send("GET", "/Users?count=many")).body).toMatchObject({
      status: "400",
      scimType: "invalidValue",
    });
  });
});

describe("RFC 7644 §3.5.2 PATCH", () => {
  async function bjensen() {
    const scim = scimHarness({ tokenSecretName: "scim-token", customAttributes: { nickName: "nickname" } });
    await scim.send("POST", "/Users", {
      schemas: [coreUser, enterpriseUser],
      userName: "bjensen",
      name: { givenName: "Barbara", familyName: "Jensen" },
      emails: [{ value: "bjensen@example.com", type: "work", primary: true }],
    });
    const send = (...operations: unknown[]) => scim.send("PATCH", "/Users/bjensen", patch(...operations));
    return { scim, send };
  }

  it("adds and replaces without a path, with plain, dotted and URN-qualified keys", async () => {
    const { send } = await bjensen();

    const added = await send({ op: "add", value: { nickName: "Babs", "name.givenName": "Babs" } });
    expect(added.body).toMatchObject({ nickName: "Babs", name: { givenName: "Babs", familyName: "Jensen" } });
    const replaced = await send({
      op: "Replace",
      value: {
        "name.familyName": "Jensen-Ng",
        [`${enterpriseUser}:manager`]: { value: "jsmith" },
        [`${enterpriseUser}:department`]: "Tours",
        active: "False",
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      active: false,
      name: { familyName: "Jensen-Ng" },
      [enterpriseUser]: { department: "Tours", manager: { value: "jsmith" } },
    });
    const qualified = await send({ op: "replace", value: { [enterpriseUser]: { department: "Guides" } } });
    expect(qualified.body[enterpriseUser]).toMatchObject({
      department: "Guides",
      manager: { value: "jsmith" },
    });
  });

  it("targets multi-valued items by value filter and sub-attribute", async () => {
    const { send } = await bjensen();

    const replaced = await send({
      op: "replace",
      path: 'emails[type eq "work"].value',
      value: "babs@example.com",
    });
    expect(replaced.body.emails).toEqual([{ value: "babs@example.com", type: "work", primary: true }]);
    const removed = await send({ op: "remove", path: 'emails[type eq "work" and value ew "example.com"]' });
    expect(removed.body).not.toHaveProperty("emails");
    const managerRemoved = await send(
      { op: "add", path: `${enterpriseUser}:manager`, value: "jsmith" },
      { op: "remove", path: `${enterpriseUser}:manager` },
    );
    expect(managerRemoved.body[enterpriseUser]?.manager).toBeUndefined();
  });

  it("refuses what RFC 7644 refuses, with the scimType it names", async () => {
    const { send } = await bjensen();
    const refused = async (scimType: string, ...operations: unknown[]) =>
      expect((await send(...operations)).body, JSON.stringify(operations)).toMatchObject({
        status: "400",
        scimType,
      });

    await refused("noTarget", { op: "remove" });
    await refused("noTarget", {
      op: "replace",
      path: 'emails[value ew "@nowhere.example"].value',
      value: "x@example.com",
    });
    await refused("invalidPath", { op: "replace", path: "emails[type eq", value: "x" });
    await refused("invalidPath", { op: "replace", path: "name..givenName", value: "x" });
    await refused("invalidValue", { op: "replace", path: "active", value: "maybe" });
    await refused("invalidValue", { op: "replace", path: "userName", value: { x: 1 } });
    await refused("invalidValue", { op: "add", path: "title" });
    await refused("mutability", { op: "replace", path: "id", value: "other" });
    await refused("mutability", { op: "replace", path: "meta.created", value: "2011-05-13T04:42:34Z" });
    await refused("invalidSyntax", { op: "move", path: "title", value: "x" });
  });
});

describe("RFC 7644 §3.7 Bulk", () => {
  const bulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
  const ids = [
    "b7c14771-226c-4d05-8860-134711653041",
    "5d8d29d3-342c-4b5f-8683-a3cb6763ffcc",
    "e9025315-6bea-44e1-899c-1e07454e468b",
  ];

  /** §3.7.1's request: a POST, a PUT, a PATCH and a DELETE, with versions (ignored: no ETags here). */
  const rfcRequest = (failOnErrors: number) => ({
    schemas: [bulkRequest],
    failOnErrors,
    Operations: [
      {
        method: "POST",
        path: "/Users",
        bulkId: "qwerty",
        data: { schemas: [coreUser], userName: "Alice" },
      },
      {
        method: "PUT",
        path: `/Users/${ids[0]}`,
        version: 'W/"3694e05e9dff591"',
        data: { schemas: [coreUser], id: ids[0], userName: "Bob" },
      },
      {
        method: "PATCH",
        path: `/Users/${ids[1]}`,
        version: 'W/"edac3253e2c0ef2"',
        data: patch({ op: "remove", path: "nickName" }, { op: "replace", path: "userName", value: "Dave" }),
      },
      { method: "DELETE", path: `/Users/${ids[2]}`, version: 'W/"0ee8add0a938e1a"' },
    ],
  });

  it("runs §3.7.1's example against users that exist, answering each operation as §3.7.3 shows", async () => {
    const scim = scimHarness({ tokenSecretName: "scim-token", customAttributes: { nickName: "nickname" } });
    for (const [index, id] of ids.entries())
      await scim.send("POST", "/Users", { schemas: [coreUser], externalId: id, userName: `user${index}` });

    const answer = await scim.send("POST", "/Bulk", rfcRequest(1));

    expect(answer.body.Operations.map((operation: { status: string }) => operation.status)).toEqual([
      "201",
      "200",
      "200",
      "204",
    ]);
    expect(answer.body.Operations[0]).toMatchObject({ location: expect.stringMatching(/\/Users\/Alice$/) });
    expect((await scim.send("GET", `/Users/${ids[0]}`)).body.userName).toBe("Bob");
    expect((await scim.send("GET", `/Users/${ids[1]}`)).body.userName).toBe("Dave");
    expect((await scim.send("GET", `/Users/${ids[2]}`)).status).toBe(404);
  });

  it("stops at failOnErrors: 1 after the first failure and leaves the rest unanswered", async () => {
    const scim = scimHarness();

    const answer = await scim.send("POST", "/Bulk", rfcRequest(1));

    expect(answer.status).toBe(200);
    expect(answer.body.Operations).toMatchObject([
      { method: "POST", bulkId: "qwerty", status: "201" },
      { method: "PUT", status: "404", response: { status: "404" } },
    ]);
    expect(answer.body.Operations).toHaveLength(2);
  });
});

describe("Entra's and Okta's list requests", () => {
  it("answers Entra's zero-result query as its documentation shows", async () => {
    const scim = scimHarness();

    const answer = await scim.send("GET", `/Users?${filter('userName eq "non-existent user"')}`);

    expect(answer.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
      itemsPerPage: 0,
    });
  });

  it("pages Okta's group import (startIndex, count) and answers count=0 with the total", async () => {
    const scim = scimHarness();
    // Okta's first, constant probes when provisioning is turned on.
    expect((await scim.send("GET", "/Users?startIndex=1&count=2")).body).toMatchObject({
      totalResults: 0,
      Resources: [],
    });
    expect((await scim.send("GET", "/Groups?startIndex=1&count=100")).body).toMatchObject({
      totalResults: 0,
      Resources: [],
    });
    for (const displayName of ["Alpha", "Beta", "Gamma"])
      await scim.send("POST", "/Groups", { schemas: [groupUrn], displayName, members: [] });

    const names = (body: { Resources: { displayName: string }[] }) =>
      body.Resources.map((group) => group.displayName).sort();
    const first = (await scim.send("GET", "/Groups?startIndex=1&count=2")).body;
    const second = (await scim.send("GET", "/Groups?startIndex=3&count=2")).body;
    expect([first.totalResults, first.itemsPerPage, second.totalResults, second.itemsPerPage]).toEqual([
      3, 2, 3, 1,
    ]);
    expect([...names(first), ...names(second)].sort()).toEqual(["Alpha", "Beta", "Gamma"]);
    expect((await scim.send("GET", "/Groups?count=0")).body).toMatchObject({
      totalResults: 3,
      itemsPerPage: 0,
      Resources: [],
    });
    const filtered = await scim.send(
      "GET",
      `/Groups?${filter('displayName eq "beta"')}&startIndex=1&count=100`,
    );
    expect(filtered.body).toMatchObject({ totalResults: 1, Resources: [{ displayName: "Beta" }] });
  });
});
