import { afterEach, describe, expect, it } from "vitest";
import {
  type DescopeSimulator,
  type DescopeSimulatorOptions,
  startDescopeSimulator,
} from "../../../local/simulators/descope/simulator.ts";
import { FakeClock } from "./fake-clock.ts";
import { authorization, call, managementKey, projectId } from "./http.ts";

let sim: DescopeSimulator;
afterEach(() => sim?.close());

const start = async (options: Partial<DescopeSimulatorOptions> = {}) => {
  sim = await startDescopeSimulator({ projectId, managementKey, ...options });
  return sim;
};

const createBatch = (users: unknown[], extra: object = {}) =>
  call(sim, "POST", "/v1/mgmt/user/create/batch", { users, ...extra });
const patchBatch = (users: unknown[]) => call(sim, "PATCH", "/v1/mgmt/user/patch/batch", { users });
const load = async (loginId: string) =>
  (
    (await call(sim, "GET", `/v1/mgmt/user?loginId=${encodeURIComponent(loginId)}`)).json as {
      user: Record<string, unknown>;
    }
  ).user;

describe("Descope simulator: authentication and handshake", () => {
  it("answers 401 with a Descope-shaped body without the right bearer", async () => {
    await start();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${projectId}:wrong` },
      { authorization: managementKey },
    ];
    for (const headers of attempts) {
      const answer = await call(sim, "GET", "/v1/mgmt/license", undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({
        errorCode: expect.stringMatching(/^E\d{6}$/),
        errorDescription: "Unauthorized",
      });
    }
    expect((await call(sim, "GET", "/v1/mgmt/license")).json).toEqual({ rateLimitTier: "tier1" });
  });

  it("records every management request verbatim, with the license header and the answer's status", async () => {
    await start();
    await call(sim, "GET", "/v1/mgmt/license", undefined, {});
    await call(
      sim,
      "POST",
      "/v1/mgmt/user/create/batch",
      { users: [{ loginId: "a", password: "pw" }] },
      {
        authorization,
        "x-descope-license": "tier1",
      },
    );
    expect((await call(sim, "GET", "/_sim/requests", undefined, {})).json).toEqual([
      { method: "GET", path: "/v1/mgmt/license", status: 401, at: expect.any(Number) },
      {
        method: "POST",
        path: "/v1/mgmt/user/create/batch",
        status: 200,
        body: { users: [{ loginId: "a", password: "pw" }] },
        license: "tier1",
        at: expect.any(Number),
      },
    ]);
  });
});

describe("Descope simulator: batch create", () => {
  it("accepts every SDK spelling and returns full user objects, invited by default", async () => {
    const clock = new FakeClock(1_706_574_216_500);
    await start({ clock });
    const answer = await createBatch([
      { loginId: "ann", displayName: "Ann A", additionalLoginIds: ["ann@example.com"], ssoAppIDs: ["app1"] },
      {
        loginId: "bob",
        name: "Bob B",
        additionalIdentifiers: ["bob@example.com"],
        ssoAppIds: ["app2"],
        status: "enabled",
      },
    ]);
    expect(answer.status).toBe(200);
    const body = answer.json as { createdUsers: Record<string, unknown>[]; failedUsers: unknown[] };
    expect(body.failedUsers).toEqual([]);
    expect(body.createdUsers[0]).toEqual({
      loginIds: ["ann", "ann@example.com"],
      userId: expect.stringMatching(/^U/),
      name: "Ann A",
      email: "",
      phone: "",
      verifiedEmail: false,
      verifiedPhone: false,
      roleNames: [],
      userTenants: [],
      status: "invited",
      externalIds: ["ann", "ann@example.com"],
      picture: "",
      test: false,
      customAttributes: {},
      createdTime: 1_706_574_216,
      TOTP: false,
      SAML: false,
      OAuth: {},
      webauthn: false,
      password: false,
      ssoAppIds: ["app1"],
      givenName: "",
      middleName: "",
      familyName: "",
      editable: true,
      SCIM: false,
      push: false,
      permissions: [],
      OIDC: false,
      consentExpiration: 0,
    });
    expect(body.createdUsers[1]).toMatchObject({ name: "Bob B", status: "enabled", ssoAppIds: ["app2"] });
    expect((await call(sim, "GET", "/_sim/users", undefined, {})).json).toEqual(body.createdUsers);
  });

  it("reports duplicates and invalid users per user, creating the rest", async () => {
    await start();
    await createBatch([{ loginId: "taken" }]);
    const answer = await createBatch([
      { loginId: "taken", email: "t@example.com" },
      { loginId: "new", email: "new@example.com", userTenants: [{ tenantId: "t1", roleNames: ["r"] }] },
      { loginId: "new" },
      { loginId: "mail", email: "not-an-email" },
      { loginId: "phone", phone: "call me" },
      { loginId: "both", password: "x", hashedPassword: { md5: { hash: "ab" } } },
      { loginId: "alias", additionalIdentifiers: ["new"] },
    ]);
    const body = answer.json as {
      createdUsers: { loginIds: string[] }[];
      failedUsers: { failure: string; user: { loginIds: string[] } }[];
    };
    expect(body.createdUsers.map((user) => user.loginIds)).toEqual([["new"]]);
    expect(body.failedUsers.map(({ failure, user }) => [failure, user.loginIds])).toEqual([
      ["user already exists", ["taken"]],
      ["user already exists", ["new"]],
      ["invalid email format", ["mail"]],
      ["invalid phone format", ["phone"]],
      ["only one of password and hashedPassword may be set", ["both"]],
      ["user already exists", ["alias"]],
    ]);
    expect(body.failedUsers[0]?.user).toMatchObject({ email: "t@example.com", userId: "" });
  });

  it("refuses a batch above the maximum size as a whole", async () => {
    await start({ maxBatchSize: 2 });
    const answer = await createBatch([{ loginId: "a" }, { loginId: "b" }, { loginId: "c" }]);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errorCode: "E011003" });
    expect((await call(sim, "GET", "/_sim/users", undefined, {})).json).toEqual([]);
  });

  it("marks users imported with a password or hash", async () => {
    await start();
    await createBatch([
      { loginId: "p", password: "secret" },
      { loginId: "h", hashedPassword: { bcrypt: { hash: "$2a$10$abc" } } },
      { loginId: "n" },
    ]);
    expect(sim.users().map((user) => user.password)).toEqual([true, true, false]);
    const bad = (await createBatch([{ loginId: "x", hashedPassword: { rot13: { hash: "a" } } }])).json;
    expect(bad).toMatchObject({
      failedUsers: [{ failure: expect.stringContaining("invalid hashed password") }],
    });
  });
});

describe("Descope simulator: patch, update and the single-user endpoints", () => {
  const seed = () =>
    createBatch([
      {
        loginId: "ann",
        email: "ann@example.com",
        phone: "+15550100",
        name: "Ann",
        roleNames: ["a", "b"],
        userTenants: [{ tenantId: "t1", roleNames: ["x"] }],
        customAttributes: { dept: "Eng", cost: "42" },
        ssoAppIds: ["app"],
      },
    ]);

  it("patches only what is given: empty strings and nulls change nothing, lists replace, custom attributes merge", async () => {
    await start();
    await seed();
    const answer = await patchBatch([
      {
        loginId: "ann",
        email: "",
        phone: null,
        roleNames: ["c"],
        userTenants: null,
        displayName: "Ann B",
        customAttributes: { dept: "Ops" },
        verifiedEmail: false,
        status: "disabled",
      },
    ]);
    expect(answer.json).toMatchObject({ failedUsers: [], patchedUsers: [{ loginIds: ["ann"] }] });
    expect(await load("ann")).toMatchObject({
      email: "ann@example.com",
      phone: "+15550100",
      name: "Ann B",
      roleNames: ["c"],
      userTenants: [{ tenantId: "t1", roleNames: ["x"] }],
      customAttributes: { dept: "Ops", cost: "42" },
      status: "disabled",
      ssoAppIds: ["app"],
    });
    await patchBatch([{ loginId: "ann", roleNames: [], userTenants: [] }]);
    expect(await load("ann")).toMatchObject({ roleNames: [], userTenants: [] });
  });

  it("reports a missing user per user with no user object", async () => {
    await start();
    await seed();
    const answer = await patchBatch([
      { loginId: "ghost", name: "G" },
      { loginId: "ann", email: "bad" },
      { loginId: "ann", name: "A" },
    ]);
    expect(answer.json).toMatchObject({
      patchedUsers: [{ name: "A" }],
      failedUsers: [
        { failure: "user not found", user: null },
        { failure: "invalid email format", user: { loginIds: ["ann"] } },
      ],
      additionalErrors: {},
    });
  });

  it("overwrites every field on update, keeping status", async () => {
    await start();
    await seed();
    await call(sim, "POST", "/v1/mgmt/user/update/status", { loginId: "ann", status: "enabled" });
    const answer = await call(sim, "POST", "/v1/mgmt/user/update", {
      loginId: "ann",
      email: "new@example.com",
      roleNames: ["z"],
    });
    expect(answer.status).toBe(200);
    expect((answer.json as { user: unknown }).user).toMatchObject({
      email: "new@example.com",
      phone: "",
      name: "",
      roleNames: ["z"],
      userTenants: [],
      customAttributes: {},
      ssoAppIds: [],
      status: "enabled",
    });
  });

  it("changes loginIds, statuses, loads by loginId or userId and deletes", async () => {
    await start();
    await seed();
    await createBatch([{ loginId: "bob" }]);
    expect(
      await call(sim, "POST", "/v1/mgmt/user/update/loginid", { loginId: "ann", newLoginId: "bob" }),
    ).toMatchObject({
      status: 400,
      json: { errorCode: "E062107" },
    });
    const renamed = await call(sim, "POST", "/v1/mgmt/user/update/loginid", {
      loginId: "ann",
      newLoginId: "ann2",
    });
    const { userId } = (renamed.json as { user: { userId: string } }).user;
    expect((await call(sim, "GET", `/v1/mgmt/user?userId=${userId}`)).json).toMatchObject({
      user: { loginIds: ["ann2"] },
    });
    expect(
      await call(sim, "POST", "/v1/mgmt/user/update/status", { loginId: userId, status: "gone" }),
    ).toMatchObject({
      status: 400,
      json: { errorCode: "E011003", errorMessage: "invalid status" },
    });
    expect(await call(sim, "POST", "/v1/mgmt/user/delete", { loginId: "ann2" })).toMatchObject({
      status: 200,
      json: {},
    });
    for (const answer of [
      await call(sim, "GET", "/v1/mgmt/user?loginId=ann2"),
      await call(sim, "POST", "/v1/mgmt/user/delete", { loginId: "ann2" }),
      await call(sim, "POST", "/v1/mgmt/user/update", { loginId: "ann2" }),
    ]) {
      expect(answer).toMatchObject({
        status: 400,
        json: { errorCode: "E112102", errorDescription: "User not found" },
      });
    }
  });

  it("creates single users and refuses an existing loginId with E062107", async () => {
    await start();
    const created = await call(sim, "POST", "/v1/mgmt/user/create", {
      loginId: "solo",
      email: "s@example.com",
    });
    expect(created.json).toMatchObject({ user: { loginIds: ["solo"], status: "invited" } });
    expect(await call(sim, "POST", "/v1/mgmt/user/create", { loginId: "solo" })).toMatchObject({
      status: 400,
      json: { errorCode: "E062107" },
    });
    expect(
      await call(sim, "PATCH", "/v1/mgmt/user/patch", { loginId: "solo", givenName: "S" }),
    ).toMatchObject({
      json: { user: { givenName: "S", email: "s@example.com" } },
    });
  });
});

describe("Descope simulator: rate limits", () => {
  it("allows the limit per 60 s per path, then answers 429 with Retry-After for the 60 s backoff", async () => {
    const clock = new FakeClock();
    await start({ clock, rateLimits: { createPerMinute: 2, otherPerMinute: 3 } });
    const statuses = async () => (await createBatch([])).status;
    expect([await statuses(), await statuses()]).toEqual([200, 200]);
    const limited = await createBatch([]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.json).toMatchObject({ errorCode: "E130429" });
    expect((await patchBatch([])).status).toBe(200);
    expect((await call(sim, "GET", "/v1/mgmt/license")).status).toBe(200);
    clock.advance(30_000);
    expect((await createBatch([])).headers.get("retry-after")).toBe("30");
    clock.advance(30_000);
    expect(await statuses()).toBe(200);
  });
});

describe("Descope simulator: faults", () => {
  it("answers 500 without applying, and 429 as plain text when asked", async () => {
    await start();
    sim.setFaults({ errorRate: 1 });
    expect((await createBatch([{ loginId: "a" }])).status).toBe(500);
    expect(sim.users()).toEqual([]);
    const set = await call(
      sim,
      "POST",
      "/_sim/faults",
      { rateLimitRate: 1, nonJson429: true, retryAfterSeconds: 7 },
      {},
    );
    expect(set.json).toMatchObject({ errorRate: 0, rateLimitRate: 1 });
    const limited = await createBatch([{ loginId: "a" }]);
    expect(limited).toMatchObject({ status: 429, json: undefined });
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.text).toContain("Too Many Requests");
    expect((await call(sim, "POST", "/_sim/faults", { errorRate: 2 }, {})).status).toBe(400);
  });

  it("applies a request but never answers it on a timeout fault", async () => {
    await start();
    sim.setFaults({ timeoutRate: 1 });
    const answer = fetch(`${sim.url}/v1/mgmt/user/create/batch`, {
      method: "POST",
      headers: { authorization },
      body: JSON.stringify({ users: [{ loginId: "late" }] }),
      signal: AbortSignal.timeout(200),
    });
    await expect(answer).rejects.toThrow();
    expect(sim.users().map((user) => user.loginIds)).toEqual([["late"]]);
    expect(sim.requests().at(-1)?.status).toBe("no answer");
  });

  it("draws the same faults for the same seed, and delays answers on the given clock", async () => {
    const clock = new FakeClock();
    await start({ clock, seed: 7 });
    const run = async () => {
      sim.setFaults({ errorRate: 0.5, latencyMs: 250 });
      const statuses: number[] = [];
      for (let index = 0; index < 12; index += 1) statuses.push((await patchBatch([])).status);
      return statuses;
    };
    const before = clock.now();
    const first = await run();
    expect(clock.now() - before).toBe(12 * 250);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it("forgets users, requests and faults on reset", async () => {
    await start();
    await createBatch([{ loginId: "a" }]);
    sim.setFaults({ errorRate: 1 });
    expect((await call(sim, "POST", "/_sim/reset", undefined, {})).status).toBe(200);
    expect(sim.users()).toEqual([]);
    expect(sim.requests()).toEqual([]);
    expect((await createBatch([{ loginId: "a" }])).status).toBe(200);
  });
});
