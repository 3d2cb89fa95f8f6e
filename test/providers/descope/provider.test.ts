import { afterEach, describe, expect, it } from "vitest";
import type { CanonicalUser, HashedPassword } from "../../../shared/model/user.ts";
import { managementKey } from "../../simulators/descope/http.ts";
import {
  createOp,
  deleteOp,
  type Harness,
  patchOp,
  secretValue,
  startHarness,
  statusOp,
  TestSecrets,
} from "./harness.ts";

let harness: Harness | undefined;
afterEach(() => harness?.sim.close());

const start = async (options: Parameters<typeof startHarness>[0] = {}) => {
  harness = await startHarness(options);
  return harness;
};

const ann = {
  loginId: "ann@example.com",
  email: "ann@example.com",
  emailVerified: true,
  phone: "+15550100",
  phoneVerified: false,
  displayName: "Ann Example",
  givenName: "Ann",
  middleName: "Q",
  familyName: "Example",
  picture: "https://example.com/ann.png",
  department: "R&D",
  active: true,
  roles: ["dev"],
  tenants: { "t-b": ["viewer"], "t-a": ["editor"] },
  customAttributes: { shoeSize: 42 },
};

/** Creates `user` through the provider and returns what the core would record as acknowledged. */
const created = async (h: Harness, user: CanonicalUser) => {
  const [outcome] = await h.provider.apply([createOp("p", user)]);
  if (outcome?.result !== "applied") throw new Error(`create failed: ${JSON.stringify(outcome)}`);
  return { user, userId: outcome.userId as string };
};

const stored = (h: Harness, loginId: string) => h.sim.users().find((user) => user.loginIds.includes(loginId));

describe("Descope provider: create", () => {
  it("sends every canonical field in one batch create and reports the Descope user id", async () => {
    const h = await start({ config: { customAttributeNames: { department: "dept" } } });
    const outcomes = await h.provider.apply([createOp("p1", ann)]);
    const user = stored(h, "ann@example.com");
    expect(outcomes).toEqual([{ person: "p1", result: "applied", userId: user?.userId }]);
    expect(h.requestsTo("/v1/mgmt/user/create/batch").map((request) => request.body)).toEqual([
      {
        users: [
          {
            loginId: "ann@example.com",
            email: "ann@example.com",
            verifiedEmail: true,
            phone: "+15550100",
            verifiedPhone: false,
            name: "Ann Example",
            givenName: "Ann",
            middleName: "Q",
            familyName: "Example",
            picture: "https://example.com/ann.png",
            roleNames: ["dev"],
            userTenants: [
              { tenantId: "t-a", roleNames: ["editor"] },
              { tenantId: "t-b", roleNames: ["viewer"] },
            ],
            customAttributes: { shoeSize: 42, dept: "R&D" },
          },
        ],
      },
    ]);
    expect(user).toMatchObject({
      status: "invited",
      name: "Ann Example",
      customAttributes: { dept: "R&D", shoeSize: 42 },
    });
  });

  it("passes every documented password hash format through verbatim", async () => {
    const hashes: HashedPassword[] = [
      { bcrypt: { hash: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy" } },
      { django: { hash: "pbkdf2_sha256$260000$c2FsdA$aGFzaA==" } },
      {
        firebase: {
          hash: "aGFzaA==",
          salt: "c2FsdA==",
          saltSeparator: "Bw==",
          signerKey: "a2V5",
          memory: 14,
          rounds: 8,
        },
      },
      { pbkdf2: { hash: "aGFzaA==", salt: "c2FsdA==", iterations: 10_000, type: "sha256" } },
      { phpass: { hash: "Oq1.Yk/mbJ4xLx", salt: "abcd./ef", iterations: 8192, type: "md5" } },
      { md5: { hash: "68f724c9ad8bd6ecc3a3f4a2f4ac9cf0" } },
      { sha: { hash: "2cf24dba5fb0a30e26e83b2ac5b9e29e", type: "sha256", salt: "a1b2" } },
      { argon2: { hash: "aGFzaA==", salt: "c2FsdA==", iterations: 3, memory: 65_536, threads: 4 } },
    ];
    const h = await start();
    const operations = [
      ...hashes.map((hashedPassword, index) =>
        createOp(`h${index}`, { loginId: `h${index}` }, { hashedPassword }),
      ),
      createOp("pw", { loginId: "pw" }, { password: "correct horse" }),
    ];
    const outcomes = await h.provider.apply(operations);
    expect(outcomes.map((outcome) => outcome.result)).toEqual(Array(9).fill("applied"));
    expect(h.requestsTo("/v1/mgmt/user/create/batch")[0]?.body).toEqual({
      users: [
        ...hashes.map((hashedPassword, index) => ({ loginId: `h${index}`, hashedPassword })),
        { loginId: "pw", password: "correct horse" },
      ],
    });
    expect(h.sim.users().every((user) => user.password)).toBe(true);
  });

  it("chunks creates by maxUsersPerBatch: 250 users in calls of 100, 100 and 50", async () => {
    const h = await start();
    const operations = Array.from({ length: 250 }, (_, index) =>
      createOp(`p${index}`, { loginId: `user${index}` }),
    );
    const outcomes = await h.provider.apply(operations);
    expect(
      outcomes.every((outcome, index) => outcome.result === "applied" && outcome.person === `p${index}`),
    ).toBe(true);
    expect(
      new Set(outcomes.map((outcome) => (outcome.result === "applied" ? outcome.userId : ""))).size,
    ).toBe(250);
    const sizes = h
      .requestsTo("/v1/mgmt/user/create/batch")
      .map((request) => (request.body as { users: [] }).users.length);
    expect(sizes.sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });

  it("sends the configured invite options and per-provider constants", async () => {
    const h = await start({
      config: {
        invite: true,
        inviteUrl: "https://app.example.com/welcome",
        sendSMS: false,
        ssoAppIds: ["crm"],
        test: true,
        createStatus: "enabled",
      },
    });
    await h.provider.apply([createOp("p", { loginId: "a" })]);
    expect(h.requestsTo("/v1/mgmt/user/create/batch")[0]?.body).toEqual({
      users: [{ loginId: "a", status: "enabled", ssoAppIds: ["crm"], test: true }],
      invite: true,
      inviteUrl: "https://app.example.com/welcome",
      sendSMS: false,
    });
    expect(stored(h, "a")).toMatchObject({ status: "enabled", ssoAppIds: ["crm"], test: true });
  });

  it("maps partial failures to the right operations", async () => {
    const h = await start();
    await h.provider.apply([createOp("x", { loginId: "taken" })]);
    const outcomes = await h.provider.apply([
      createOp("p0", { loginId: "ok0" }),
      createOp("p1", { loginId: "bad", email: "not-an-email" }),
      createOp("p2", { loginId: "ok2" }),
    ]);
    expect(outcomes).toEqual([
      { person: "p0", result: "applied", userId: stored(h, "ok0")?.userId },
      { person: "p1", result: "rejected", reason: "create: Descope: invalid email format" },
      { person: "p2", result: "applied", userId: stored(h, "ok2")?.userId },
    ]);
  });

  it("patches an existing user with the whole desired user when the loginId already exists", async () => {
    const h = await start();
    const existing = await created(h, { loginId: "ann@example.com", roles: ["legacy"] } as never);
    const [outcome] = await h.provider.apply([createOp("p1", { ...ann, roles: ["dev"] })]);
    expect(outcome).toEqual({ person: "p1", result: "applied", userId: existing.userId });
    const [patch] = h.requestsTo("/v1/mgmt/user/patch/batch");
    expect(patch?.body).toEqual({
      users: [
        {
          loginId: "ann@example.com",
          email: "ann@example.com",
          verifiedEmail: true,
          phone: "+15550100",
          verifiedPhone: false,
          name: "Ann Example",
          givenName: "Ann",
          middleName: "Q",
          familyName: "Example",
          picture: "https://example.com/ann.png",
          roleNames: ["dev"],
          userTenants: [
            { tenantId: "t-a", roleNames: ["editor"] },
            { tenantId: "t-b", roleNames: ["viewer"] },
          ],
          customAttributes: { shoeSize: 42 },
          status: "enabled",
        },
      ],
    });
    expect(stored(h, "ann@example.com")).toMatchObject({
      roleNames: ["dev"],
      status: "enabled",
      givenName: "Ann",
    });
  });

  it("splits a batch Descope refuses as a whole until the users it can take go through", async () => {
    const h = await start({ sim: { maxBatchSize: 2 }, config: { maxUsersPerBatch: 5 } });
    const outcomes = await h.provider.apply(
      Array.from({ length: 5 }, (_, index) => createOp(`p${index}`, { loginId: `u${index}` })),
    );
    expect(outcomes.map((outcome) => outcome.result)).toEqual(Array(5).fill("applied"));
    expect(h.sim.users()).toHaveLength(5);
    expect(h.log.entries.some((entry) => entry.message.includes("splitting"))).toBe(true);
  });
});

describe("Descope provider: patch, status, delete", () => {
  it("patches only the changed fields", async () => {
    const h = await start();
    const current = await created(h, ann);
    const [outcome] = await h.provider.apply([
      patchOp("p", current, { givenName: "Anne", roles: ["dev", "ops"], emailVerified: false }),
    ]);
    expect(outcome).toEqual({ person: "p", result: "applied", userId: current.userId });
    expect(h.requestsTo("/v1/mgmt/user/patch/batch").map((request) => request.body)).toEqual([
      {
        users: [
          { loginId: "ann@example.com", givenName: "Anne", roleNames: ["dev", "ops"], verifiedEmail: false },
        ],
      },
    ]);
    expect(stored(h, "ann@example.com")).toMatchObject({
      givenName: "Anne",
      familyName: "Example",
      roleNames: ["dev", "ops"],
    });
  });

  it("clears lists by patch and text fields by a full update", async () => {
    const h = await start({ config: { ssoAppIds: ["crm"] } });
    const current = await created(h, ann);
    const outcomes = await h.provider.apply([
      patchOp("p", current, { phone: null, roles: null, active: false }),
    ]);
    expect(outcomes).toEqual([{ person: "p", result: "applied", userId: current.userId }]);
    expect(h.requestsTo("/v1/mgmt/user/update").map((request) => request.body)).toEqual([
      {
        loginId: "ann@example.com",
        email: "ann@example.com",
        verifiedEmail: true,
        verifiedPhone: false,
        name: "Ann Example",
        givenName: "Ann",
        middleName: "Q",
        familyName: "Example",
        picture: "https://example.com/ann.png",
        userTenants: [
          { tenantId: "t-a", roleNames: ["editor"] },
          { tenantId: "t-b", roleNames: ["viewer"] },
        ],
        customAttributes: { shoeSize: 42 },
        ssoAppIds: ["crm"],
      },
    ]);
    expect(h.requestsTo("/v1/mgmt/user/patch/batch").map((request) => request.body)).toEqual([
      { users: [{ loginId: "ann@example.com", status: "disabled" }] },
    ]);
    expect(stored(h, "ann@example.com")).toMatchObject({
      phone: "",
      roleNames: [],
      status: "disabled",
      givenName: "Ann",
    });

    const rolesOnly = await h.provider.apply([
      patchOp("p", { ...current, user: { ...ann, roles: ["x"] } }, { roles: null }),
    ]);
    expect(rolesOnly[0]?.result).toBe("applied");
    expect(h.requestsTo("/v1/mgmt/user/patch/batch").at(-1)?.body).toEqual({
      users: [{ loginId: "ann@example.com", roleNames: [] }],
    });
  });

  it("after an unconfirmed call, removes a text field that a patch lost to the record had set", async () => {
    const h = await start();
    const bo = await created(h, { loginId: "bo", email: "bo@example.com", givenName: "Bo" });
    // The patch setting a middle name lands, but the worker dies before it records the answer.
    await h.provider.apply([patchOp("p", bo, { middleName: "Kai" })]);
    const before = h.sim.requests().length;

    // The source removes the middle name again: the record (without one) seems to need nothing.
    const [outcome] = await h.provider.apply([
      patchOp("p", { ...bo, unconfirmed: true }, { middleName: null }),
    ]);

    expect(outcome).toEqual({ person: "p", result: "applied", userId: bo.userId });
    expect(
      h.sim
        .requests()
        .slice(before)
        .map((request) => [request.method, request.path]),
    ).toEqual([
      ["GET", "/v1/mgmt/user?loginId=bo"],
      ["POST", "/v1/mgmt/user/update"],
    ]);
    expect(stored(h, "bo")).toMatchObject({ givenName: "Bo", middleName: "" });
  });

  it("after an unconfirmed call, loads the user and patches the difference, keeping what others granted", async () => {
    const h = await start();
    const bo = await created(h, { loginId: "bo", email: "bo@example.com", givenName: "Bo" });
    // Granted in Descope by someone else: idp-sync manages no roles, tenants or attributes for Bo.
    await fetch(`${h.sim.url}/v1/mgmt/user/patch`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${secretValue}`, "content-type": "application/json" },
      body: JSON.stringify({
        loginId: "bo",
        roleNames: ["admin"],
        userTenants: [{ tenantId: "t-x", roleNames: ["owner"] }],
        customAttributes: { badge: "B-7" },
      }),
    });
    const before = h.sim.requests().length;
    const unconfirmed = { ...bo, unconfirmed: true };
    expect(await h.provider.apply([patchOp("p", unconfirmed, { givenName: "Bob" })])).toEqual([
      { person: "p", result: "applied", userId: bo.userId },
    ]);
    expect(
      h.sim
        .requests()
        .slice(before)
        .map((request) => [request.method, request.path, request.body]),
    ).toEqual([
      ["GET", "/v1/mgmt/user?loginId=bo", undefined],
      ["PATCH", "/v1/mgmt/user/patch/batch", { users: [{ loginId: "bo", givenName: "Bob" }] }],
    ]);
    expect(stored(h, "bo")).toMatchObject({
      givenName: "Bob",
      roleNames: ["admin"],
      userTenants: [expect.objectContaining({ tenantId: "t-x", roleNames: ["owner"] })],
      customAttributes: { badge: "B-7" },
    });

    // When Descope already holds the wanted user (the lost call took effect), the load is all it costs.
    const again = h.sim.requests().length;
    await h.provider.apply([patchOp("p", { ...unconfirmed, user: { ...bo.user, givenName: "Bob" } }, {})]);
    expect(
      h.sim
        .requests()
        .slice(again)
        .map((request) => request.method),
    ).toEqual(["GET"]);
  });

  it("overwrites after an unconfirmed call only when configured to", async () => {
    const h = await start({ config: { afterUnconfirmed: "overwrite" } });
    const bo = await created(h, { loginId: "bo", givenName: "Bo" });
    await h.provider.apply([patchOp("p", { ...bo, unconfirmed: true }, { givenName: "Bob" })]);
    expect(h.requestsTo("/v1/mgmt/user/update").map((request) => request.body)).toEqual([
      { loginId: "bo", givenName: "Bob" },
    ]);
  });

  it("confirms removals Descope's patch may ignore, and refuses to record them when it did", async () => {
    const employee = { loginId: "E-1", email: "ann@example.com", emailVerified: true, employeeNumber: "7" };
    const config = { additionalIdentifiersFrom: ["employeeNumber"] as const };
    const honouring = await start({ config });
    const current = await created(honouring, employee);
    expect(
      await honouring.provider.apply([patchOp("p", current, { employeeNumber: null, emailVerified: false })]),
    ).toEqual([{ person: "p", result: "applied", userId: current.userId }]);
    const calls = honouring.sim.requests().map((request) => `${request.method} ${request.path}`);
    expect(calls.slice(-2)).toEqual(["PATCH /v1/mgmt/user/patch/batch", "GET /v1/mgmt/user?loginId=E-1"]);
    expect(stored(honouring, "E-1")).toMatchObject({ loginIds: ["E-1"], verifiedEmail: false });
    await honouring.sim.close();

    const ignoring = await start({
      config,
      sim: { patchIgnores: ["emptyAdditionalIdentifiers", "unverifyEmail"] },
    });
    const held = await created(ignoring, employee);
    expect(
      await ignoring.provider.apply([patchOp("p", held, { employeeNumber: null, emailVerified: false })]),
    ).toEqual([
      {
        person: "p",
        result: "rejected",
        reason:
          "Descope kept additional login ids 7 and the e-mail verification after a patch that removed them " +
          "(its patch may ignore such removals): change them in the Descope console, or use the full update",
      },
    ]);
  });

  it("changes the loginId first, then patches under the new one", async () => {
    const h = await start();
    const current = await created(h, ann);
    const [outcome] = await h.provider.apply([
      patchOp("p", current, { loginId: "ann@new.example", email: "ann@new.example" }),
    ]);
    expect(outcome).toEqual({ person: "p", result: "applied", userId: current.userId });
    const management = h.sim.requests().filter((request) => request.path.startsWith("/v1/mgmt/user/"));
    expect(management.slice(-2).map((request) => [request.path, request.body])).toEqual([
      ["/v1/mgmt/user/update/loginid", { loginId: "ann@example.com", newLoginId: "ann@new.example" }],
      ["/v1/mgmt/user/patch/batch", { users: [{ loginId: "ann@new.example", email: "ann@new.example" }] }],
    ]);
    expect(stored(h, "ann@new.example")).toMatchObject({ userId: current.userId, email: "ann@new.example" });
  });

  it("addresses an unconfirmed user by its id: a rename that landed unrecorded makes no second user", async () => {
    const h = await start();
    const current = await created(h, ann);
    // The rename reaches Descope, but the worker dies before it records the answer.
    await h.provider.apply([patchOp("p", current, { loginId: "ann@moved.example" })]);

    const [outcome] = await h.provider.apply([
      patchOp("p", { ...current, unconfirmed: true }, { loginId: "ann@new.example" }),
    ]);

    expect(outcome).toEqual({ person: "p", result: "applied", userId: current.userId });
    expect(h.requestsTo("/v1/mgmt/user/update/loginid").at(-1)?.body).toEqual({
      loginId: current.userId,
      newLoginId: "ann@new.example",
    });
    expect(h.sim.users().map((user) => [user.userId, user.loginIds])).toEqual([
      [current.userId, ["ann@new.example"]],
    ]);
  });

  it("writes the whole user under the new loginId when the loginId change already landed unrecorded", async () => {
    const h = await start();
    const { user } = await created(h, ann);
    // The loginId change lands, the field removal after it fails, and the user id was never recorded.
    await h.provider.apply([patchOp("p", { user }, { loginId: "ann@new.example" })]);

    const [outcome] = await h.provider.apply([
      patchOp("p", { user, unconfirmed: true }, { loginId: "ann@new.example", phone: null }),
    ]);

    expect(outcome).toMatchObject({ person: "p", result: "applied" });
    const management = h.sim.requests().filter((request) => request.path.startsWith("/v1/mgmt/user/"));
    expect(management.slice(-3).map((request) => [request.path, request.status])).toEqual([
      ["/v1/mgmt/user/update/loginid", 400],
      ["/v1/mgmt/user/update", 200],
      ["/v1/mgmt/user/patch/batch", 200],
    ]);
    expect(h.sim.users()).toHaveLength(1);
    expect(stored(h, "ann@new.example")).toMatchObject({
      phone: "",
      email: "ann@example.com",
      status: "enabled",
    });
  });

  it("creates the whole resulting user when Descope no longer has it", async () => {
    const h = await start();
    const present = await created(h, { loginId: "here" });
    const outcomes = await h.provider.apply([
      patchOp("gone1", { user: { loginId: "ghost1", givenName: "G" }, userId: "Uold1" }, { familyName: "H" }),
      patchOp("here", present, { givenName: "Here" }),
      statusOp("gone2", { user: { loginId: "ghost2", active: true }, userId: "Uold2" }, false),
    ]);
    expect(outcomes).toEqual([
      { person: "gone1", result: "applied", userId: stored(h, "ghost1")?.userId },
      { person: "here", result: "applied", userId: present.userId },
      { person: "gone2", result: "applied", userId: stored(h, "ghost2")?.userId },
    ]);
    expect(h.requestsTo("/v1/mgmt/user/create/batch").at(-1)?.body).toEqual({
      users: [
        { loginId: "ghost1", givenName: "G", familyName: "H" },
        { loginId: "ghost2", status: "disabled" },
      ],
    });
    expect(stored(h, "ghost2")?.status).toBe("disabled");
  });

  it("sets status through the batch patch; deletes through delete/batch by user id, else by loginId", async () => {
    const h = await start();
    const current = await created(h, ann);
    const bo = await created(h, { loginId: "bo" });
    expect(await h.provider.apply([statusOp("p", current, false)])).toEqual([
      { person: "p", result: "applied", userId: current.userId },
    ]);
    expect(stored(h, "ann@example.com")?.status).toBe("disabled");
    expect(
      await h.provider.apply([
        deleteOp("p", current),
        deleteOp("b", bo),
        deleteOp("q", { user: { loginId: "nobody" } }),
      ]),
    ).toEqual([
      { person: "p", result: "applied", userId: current.userId },
      { person: "b", result: "applied", userId: bo.userId },
      { person: "q", result: "applied" },
    ]);
    expect(h.requestsTo("/v1/mgmt/user/delete/batch").map((request) => request.body)).toEqual([
      { userIds: [current.userId, bo.userId] },
    ]);
    // Without a Descope id, a user is deleted by loginId; a missing user counts as deleted.
    expect(h.requestsTo("/v1/mgmt/user/delete").map((request) => [request.body, request.status])).toEqual([
      [{ loginId: "nobody" }, 400],
    ]);
    expect(h.sim.users()).toEqual([]);
  });

  it("sends nothing when no Descope field changes", async () => {
    const h = await start();
    const outcomes = await h.provider.apply([patchOp("p", { user: ann, userId: "U1" }, { title: "Lead" })]);
    expect(outcomes).toEqual([{ person: "p", result: "applied", userId: "U1" }]);
    expect(h.sim.requests()).toEqual([]);
  });
});

describe("Descope provider: authentication and the license handshake", () => {
  it("learns the rate-limit tier once and sends it on every management call", async () => {
    const h = await start();
    await h.provider.apply([createOp("a", { loginId: "a" })]);
    await h.provider.apply([createOp("b", { loginId: "b" })]);
    expect(h.sim.requests().map((request) => [request.path, request.license])).toEqual([
      ["/v1/mgmt/license", undefined],
      ["/v1/mgmt/user/create/batch", "tier1"],
      ["/v1/mgmt/user/create/batch", "tier1"],
    ]);
  });

  it("proceeds without the tier when the handshake fails, and asks again next time", async () => {
    const h = await start();
    h.sim.setFaults({ errorRate: 1 });
    await h.provider.apply([createOp("a", { loginId: "a" })]);
    h.sim.setFaults({});
    expect(h.log.entries.find((entry) => entry.level === "warn")?.message).toMatch(/license/);
    await h.provider.apply([createOp("a", { loginId: "a" })]);
    expect(h.sim.requests().map((request) => [request.path, request.status, request.license])).toEqual([
      ["/v1/mgmt/license", 500, undefined],
      ["/v1/mgmt/user/create/batch", 500, undefined],
      ["/v1/mgmt/license", 200, undefined],
      ["/v1/mgmt/user/create/batch", 200, "tier1"],
    ]);
  });

  it("re-reads a rotated key once after a 401 and repeats the call", async () => {
    const secrets = new TestSecrets(secretValue, "P2simulatedProject0000000001:old-key");
    const h = await start({ secrets });
    const outcomes = await h.provider.apply([
      createOp("a", { loginId: "a" }),
      createOp("b", { loginId: "b" }, { password: "pw-b" }),
    ]);
    expect(outcomes.map((outcome) => outcome.result)).toEqual(["applied", "applied"]);
    expect(secrets.reads).toEqual([{ fresh: false }, { fresh: true }]);
    expect(h.requestsTo("/v1/mgmt/user/create/batch").map((request) => request.status)).toEqual([401, 200]);
  });

  it("asks for a retry when the fresh key is refused too, re-reading it only once", async () => {
    const secrets = new TestSecrets("P2simulatedProject0000000001:revoked");
    const h = await start({ secrets, config: { maxUsersPerBatch: 1 } });
    const outcomes = await h.provider.apply([
      createOp("a", { loginId: "a" }),
      createOp("b", { loginId: "b" }),
    ]);
    expect(outcomes).toEqual([
      { person: "a", result: "retry", reason: expect.stringContaining("HTTP 401") },
      { person: "b", result: "retry", reason: expect.stringContaining("HTTP 401") },
    ]);
    expect(secrets.reads.filter((read) => read.fresh)).toHaveLength(1);
  });

  it("asks for a retry without calling Descope when the secret is malformed", async () => {
    const h = await start({ secrets: new TestSecrets("just-a-key") });
    expect(await h.provider.apply([createOp("a", { loginId: "a" })])).toEqual([
      {
        person: "a",
        result: "retry",
        reason: 'cannot call Descope: secret "descope" is not of the form <ProjectId>:<ManagementKey>',
      },
    ]);
    expect(h.sim.requests()).toEqual([]);
  });

  it("never logs the management key or an imported password", async () => {
    const secrets = new TestSecrets(secretValue, "P2simulatedProject0000000001:old-key");
    const h = await start({ secrets, sim: { maxBatchSize: 1 }, config: { maxUsersPerBatch: 2 } });
    h.sim.setFaults({ errorRate: 0.3 });
    await h.provider.apply([
      createOp("a", { loginId: "a" }, { password: "hunter2-secret" }),
      createOp("b", { loginId: "b" }, { hashedPassword: { md5: { hash: "deadbeefcafe" } } }),
    ]);
    const logged = JSON.stringify(h.log.entries);
    expect(h.log.entries.length).toBeGreaterThan(0);
    for (const secret of [managementKey, "old-key", "hunter2-secret", "deadbeefcafe"])
      expect(logged).not.toContain(secret);
  });
});

describe("Descope provider: transient failures", () => {
  it("retries on 5xx, on a non-JSON 429 with its Retry-After, and when no answer comes", async () => {
    const h = await start({ config: { requestTimeoutMs: 100 } });
    h.sim.setFaults({ errorRate: 1 });
    expect(await h.provider.apply([createOp("a", { loginId: "a" })])).toEqual([
      { person: "a", result: "retry", reason: expect.stringContaining("HTTP 500") },
    ]);
    h.sim.setFaults({ rateLimitRate: 1, nonJson429: true, retryAfterSeconds: 5 });
    expect(await h.provider.apply([createOp("a", { loginId: "a" })])).toEqual([
      { person: "a", result: "retry", reason: expect.stringContaining("HTTP 429"), retryAfterSeconds: 5 },
    ]);
  });

  it("treats a create that took effect without an answer as applied on the next attempt", async () => {
    const h = await start({ config: { requestTimeoutMs: 100 } });
    h.sim.setFaults({ timeoutRate: 1 });
    expect(await h.provider.apply([createOp("a", { ...ann, loginId: "a" })])).toEqual([
      { person: "a", result: "retry", reason: expect.stringContaining("got no answer") },
    ]);
    h.sim.setFaults({});
    const [outcome] = await h.provider.apply([createOp("a", { ...ann, loginId: "a" })]);
    expect(outcome).toEqual({ person: "a", result: "applied", userId: stored(h, "a")?.userId });
    expect(h.sim.users()).toHaveLength(1);
  });
});
