import { afterEach, describe, expect, it } from "vitest";
import {
  startZitadelSimulator,
  type ZitadelSimulator,
  type ZitadelSimulatorOptions,
} from "../../../local/simulators/zitadel/simulator.ts";
import { signJwtProfileAssertion } from "../../../shared/providers/zitadel/jwt-profile.ts";
import { FakeClock } from "../descope/fake-clock.ts";
import { authorization, call, importBody, orgId, pat, serviceAccountKey } from "./http.ts";

let sim: ZitadelSimulator | undefined;
afterEach(() => sim?.close());

const start = async (options: Partial<ZitadelSimulatorOptions> = {}) => {
  sim = await startZitadelSimulator({ orgId, pat, requestsPerSecond: false, ...options });
  return sim;
};

const v1 = "/management/v1/users";
const imported = async (s: ZitadelSimulator, userName = "ann@example.com", extra = {}) => {
  const answer = await call(s, "POST", `${v1}/human/_import`, importBody(userName, extra));
  expect(answer.status).toBe(200);
  return (answer.json as { userId: string }).userId;
};
const userNamed = (s: ZitadelSimulator, userName: string) =>
  s.users().find((user) => user.username === userName);

const tokenRequest = (s: ZitadelSimulator, form: Record<string, string>) =>
  fetch(`${s.url}/oauth/v2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  }).then(async (response) => ({
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
  }));

const jwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const apiScope = "openid urn:zitadel:iam:org:project:id:zitadel:aud";

describe("ZITADEL simulator: authentication", () => {
  it("accepts the personal access token, refuses anything else with ZITADEL's error body", async () => {
    const s = await start();
    expect((await call(s, "POST", `${v1}/_search`, {})).status).toBe(200);
    const refused = await call(s, "POST", `${v1}/_search`, {}, { authorization: "Bearer wrong" });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({
      code: 16,
      message: "Token is invalid or expired (AUTH-7fs1e)",
      details: [
        {
          "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
          id: "AUTH-7fs1e",
          message: "Token is invalid or expired",
        },
      ],
    });
    expect((await call(s, "POST", `${v1}/_search`, {}, {})).status).toBe(401);
  });

  it("refuses the old token once the PAT is rotated", async () => {
    const s = await start();
    s.setPat("rotated-token");
    expect((await call(s, "POST", `${v1}/_search`, {})).status).toBe(401);
    expect(
      (await call(s, "POST", `${v1}/_search`, {}, { authorization: "Bearer rotated-token" })).status,
    ).toBe(200);
  });

  it("exchanges a JWT profile assertion signed with the service user's key for an expiring token", async () => {
    const key = serviceAccountKey();
    const clock = new FakeClock();
    const s = await start({ serviceAccount: key, tokenLifetimeSeconds: 600, clock });
    const assertion = signJwtProfileAssertion(key, s.url, clock.now());
    const answer = await tokenRequest(s, { grant_type: jwtGrant, scope: apiScope, assertion });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: "Bearer", expires_in: 600 });
    const bearer = { authorization: `Bearer ${answer.json.access_token}` };
    expect((await call(s, "POST", `${v1}/_search`, {}, bearer)).status).toBe(200);
    clock.advance(600_000);
    expect((await call(s, "POST", `${v1}/_search`, {}, bearer)).status).toBe(401);
  });

  it("refuses assertions with a wrong signature, key id, audience, subject or expiry", async () => {
    const key = serviceAccountKey();
    const other = serviceAccountKey(key.userId, key.keyId);
    const clock = new FakeClock();
    const s = await start({ serviceAccount: key, clock });
    const grant = (assertion: string) =>
      tokenRequest(s, { grant_type: jwtGrant, scope: apiScope, assertion });
    const cases = [
      [signJwtProfileAssertion(other, s.url, clock.now()), "assertion signature does not verify"],
      [
        signJwtProfileAssertion({ ...key, keyId: "other" }, s.url, clock.now()),
        "assertion names an unknown key (kid)",
      ],
      [signJwtProfileAssertion(key, "https://elsewhere.example", clock.now()), `aud must include ${s.url}`],
      [
        signJwtProfileAssertion({ ...key, userId: "other" }, s.url, clock.now()),
        "iss and sub must be the service user's id",
      ],
      [signJwtProfileAssertion(key, s.url, clock.now() - 3_601_000), "assertion expired"],
      ["not-a-jwt", "assertion is not a JWT"],
    ] as const;
    for (const [assertion, description] of cases) {
      expect(await grant(assertion)).toEqual({
        status: 400,
        json: { error: "invalid_grant", error_description: description },
      });
    }
    expect((await tokenRequest(s, { grant_type: "client_credentials" })).json.error).toBe(
      "unsupported_grant_type",
    );
  });

  it("issues tokens without the API audience scope that cannot call the APIs", async () => {
    const key = serviceAccountKey();
    const s = await start({ serviceAccount: key });
    const assertion = signJwtProfileAssertion(key, s.url, Date.now());
    const answer = await tokenRequest(s, { grant_type: jwtGrant, scope: "openid", assertion });
    expect(answer.status).toBe(200);
    const bearer = { authorization: `Bearer ${answer.json.access_token}` };
    expect((await call(s, "POST", `${v1}/_search`, {}, bearer)).status).toBe(401);
  });
});

describe("ZITADEL simulator: management API (v1)", () => {
  it("imports a user: INITIAL without a verified e-mail and password, ACTIVE with both", async () => {
    const s = await start();
    const answer = await call(s, "POST", `${v1}/human/_import`, {
      userName: "ann",
      profile: { firstName: "Ann", lastName: "Example", displayName: "Ann E." },
      email: { email: "ann@example.com", isEmailVerified: false },
      phone: { phone: "+41790000000", isPhoneVerified: true },
    });
    expect(answer.json).toMatchObject({ userId: expect.any(String), details: { resourceOwner: orgId } });
    await imported(s, "bob@example.com");
    expect(s.users().map((user) => [user.username, user.state])).toEqual([
      ["ann", "USER_STATE_INITIAL"],
      ["bob@example.com", "USER_STATE_ACTIVE"],
    ]);
    expect(userNamed(s, "ann")).toMatchObject({
      organizationId: orgId,
      hasPassword: false,
      human: {
        profile: { givenName: "Ann", familyName: "Example", displayName: "Ann E." },
        email: { email: "ann@example.com", isVerified: false },
        phone: { phone: "+41790000000", isVerified: true },
      },
    });
  });

  it("keeps usernames unique across the instance, ignoring case (409 V3-DKcYh); e-mails may repeat", async () => {
    const s = await start({ otherOrgIds: ["other-org"] });
    await imported(s, "ann@example.com");
    const sameName = await call(s, "POST", `${v1}/human/_import`, importBody("ANN@example.com"));
    expect(sameName.status).toBe(409);
    expect(sameName.json).toMatchObject({ code: 6, message: "User already exists (V3-DKcYh)" });
    const otherOrg = await call(s, "POST", `${v1}/human/_import`, importBody("ann@example.com"), {
      authorization,
      "x-zitadel-orgid": "other-org",
    });
    expect(otherOrg.status).toBe(409);
    // ZITADEL has no uniqueness rule for e-mail addresses.
    await imported(s, "ann2", { email: { email: "Ann@Example.com", isEmailVerified: true } });
    expect(s.users().map((user) => user.username)).toEqual(["ann@example.com", "ann2"]);
  });

  it("scopes usernames to the organisation when the domain policy does", async () => {
    const s = await start({ otherOrgIds: ["other-org"], orgScopedUserNames: true });
    await imported(s, "ann");
    const otherOrg = await call(s, "POST", `${v1}/human/_import`, importBody("ann"), {
      authorization,
      "x-zitadel-orgid": "other-org",
    });
    expect(otherOrg.status).toBe(200);
    expect(s.users().map((user) => user.organizationId)).toEqual([orgId, "other-org"]);
  });

  it("answers errors in the caller's language (Accept-Language), else the instance's; the id stays", async () => {
    const s = await start();
    const id = await imported(s, "ann");
    const german = await call(
      s,
      "PUT",
      `${v1}/${id}/username`,
      { userName: "ann" },
      {
        authorization,
        "accept-language": "de-CH, en;q=0.5",
      },
    );
    expect(german.json).toEqual({
      code: 9,
      message: "Benutzername wurde nicht geändert (COMMAND-6m9gs)",
      details: [
        {
          "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
          id: "COMMAND-6m9gs",
          message: "Benutzername wurde nicht geändert",
        },
      ],
    });
    const s2 = await start({ language: "de" });
    const missing = await call(s2, "GET", `${v1}/123`);
    expect(missing.json).toMatchObject({ message: "Benutzer konnte nicht gefunden werden (QUERY-Dfbg2)" });
  });

  it("mails an initialisation link to users imported without a verified e-mail and a password", async () => {
    const s = await start();
    await imported(s, "ann");
    await imported(s, "bo", { password: undefined });
    expect(s.users().map((user) => user.mails)).toEqual([[], ["initialisation"]]);
  });

  it("validates bodies as the proto does (400 INVALID_ARGUMENT), unknown fields included", async () => {
    const s = await start();
    const answers = await Promise.all([
      call(s, "POST", `${v1}/human/_import`, { ...importBody("ann"), profile: { firstName: "Ann" } }),
      call(s, "POST", `${v1}/human/_import`, importBody("ann", { phone: { phone: "0790000000" } })),
      call(s, "POST", `${v1}/human/_import`, importBody("ann", { nickname: "x" })),
      call(s, "POST", `${v1}/human/_import`, importBody("ann", { email: { email: "not-an-address" } })),
    ]);
    expect(answers.map((answer) => [answer.status, (answer.json as { code: number }).code])).toEqual([
      [400, 3],
      [400, 3],
      [400, 3],
      [400, 3],
    ]);
    expect(answers[0]?.json).toHaveProperty(
      "message",
      expect.stringMatching(/^invalid ImportHumanUserRequest\.profile\.lastName/),
    );
    expect(s.users()).toEqual([]);
  });

  it("imports bcrypt hashes; other encodings only when their verifier is enabled", async () => {
    const bcrypt = "$2y$12$hXUrnqdq1RIIYZ2HPytIIe5lXdIvbhqrTvdPsSF7o.jFh817Z6lwm";
    const pbkdf2 = "$pbkdf2-sha256$29000$N2bsnbNWqnVuzXkvZcw5Jw$f8rCk1pAy6DGDm3yEhFvYiNbJzPDYWZY0zZp3RTrQnI";
    const s = await start();
    expect(
      (
        await call(
          s,
          "POST",
          `${v1}/human/_import`,
          importBody("a", { password: undefined, hashedPassword: { value: bcrypt } }),
        )
      ).status,
    ).toBe(200);
    const refused = await call(
      s,
      "POST",
      `${v1}/human/_import`,
      importBody("b", { hashedPassword: { value: pbkdf2 } }),
    );
    expect(refused.json).toMatchObject({
      code: 3,
      message: "Password hash encoding not supported (COMMAND-JDk4t)",
    });
    await s.close();
    const lenient = await start({ hashVerifiers: ["bcrypt", "pbkdf2"] });
    expect(
      (
        await call(
          lenient,
          "POST",
          `${v1}/human/_import`,
          importBody("b", { hashedPassword: { value: pbkdf2 } }),
        )
      ).status,
    ).toBe(200);
  });

  it("returns a passwordless registration link when asked, and the user needs no initialisation", async () => {
    const s = await start();
    const answer = await call(
      s,
      "POST",
      `${v1}/human/_import`,
      importBody("ann", { password: undefined, requestPasswordlessRegistration: true }),
    );
    expect(answer.json).toMatchObject({ passwordlessRegistration: { link: expect.stringContaining(s.url) } });
    expect(userNamed(s, "ann")?.state).toBe("USER_STATE_ACTIVE");
  });

  it("updates username, profile, e-mail and phone, refusing changes that change nothing", async () => {
    const s = await start();
    const id = await imported(s, "ann@example.com");
    const put = (part: string, body: unknown) => call(s, "PUT", `${v1}/${id}/${part}`, body);
    expect((await put("username", { userName: "ann.e" })).status).toBe(200);
    expect(
      (await put("profile", { firstName: "Anna", lastName: "Example", displayName: "Anna Example" })).status,
    ).toBe(200);
    expect((await put("email", { email: "anna@example.com", isEmailVerified: true })).status).toBe(200);
    expect((await put("phone", { phone: "+41790000001" })).status).toBe(200);
    expect(userNamed(s, "ann.e")?.human).toMatchObject({
      profile: { givenName: "Anna", familyName: "Example", displayName: "Anna Example" },
      email: { email: "anna@example.com", isVerified: true },
      phone: { phone: "+41790000001", isVerified: false },
    });
    const unchanged = await put("email", { email: "anna@example.com", isEmailVerified: true });
    expect(unchanged.status).toBe(400);
    expect(unchanged.json).toMatchObject({ code: 9, message: "Email not changed (COMMAND-2b7fM)" });
    expect(
      (await put("profile", { firstName: "Anna", lastName: "Example", displayName: "Anna Example" })).json,
    ).toMatchObject({
      code: 9,
    });
    expect((await call(s, "DELETE", `${v1}/${id}/phone`)).status).toBe(200);
    expect((await call(s, "DELETE", `${v1}/${id}/phone`)).status).toBe(404);
    expect(
      (await call(s, "PUT", `${v1}/999/profile`, { firstName: "A", lastName: "B", displayName: "C" })).status,
    ).toBe(404);
  });

  it("follows ZITADEL's state rules for deactivate, reactivate, lock and unlock", async () => {
    const s = await start();
    const initial = await imported(s, "init", {
      email: { email: "init@example.com", isEmailVerified: false },
    });
    const active = await imported(s, "active@example.com");
    const post = (id: string, verb: string) => call(s, "POST", `${v1}/${id}/_${verb}`, {});
    const cantDeactivate = await post(initial, "deactivate");
    expect([cantDeactivate.status, (cantDeactivate.json as { code: number }).code]).toEqual([404, 5]);
    expect((await post(initial, "lock")).status).toBe(200);
    expect((await post(initial, "lock")).json).toMatchObject({ code: 9 });
    expect((await post(initial, "unlock")).status).toBe(200);
    expect((await post(active, "reactivate")).json).toMatchObject({
      code: 9,
      message: "User is not deactivated (COMMAND-6M0sf)",
    });
    expect((await post(active, "deactivate")).status).toBe(200);
    expect(s.users().find((user) => user.userId === active)?.state).toBe("USER_STATE_INACTIVE");
    expect((await post(active, "deactivate")).json).toMatchObject({
      code: 9,
      message: "User is already deactivated (COMMAND-5M0sf)",
    });
    expect((await post(active, "reactivate")).status).toBe(200);
    expect((await call(s, "DELETE", `${v1}/${active}`)).status).toBe(200);
    expect((await call(s, "GET", `${v1}/${active}`)).status).toBe(404);
  });

  it("sets and removes metadata in bulk (base64 on the wire, decoded on the test surface)", async () => {
    const s = await start();
    const id = await imported(s);
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    const set = await call(s, "POST", `${v1}/${id}/metadata/_bulk`, {
      metadata: [
        { key: "department", value: b64("R&D") },
        { key: "costCenter", value: b64("4711") },
      ],
    });
    expect(set.status).toBe(200);
    expect(userNamed(s, "ann@example.com")?.metadata).toEqual({ department: "R&D", costCenter: "4711" });
    const missing = await call(s, "DELETE", `${v1}/${id}/metadata/_bulk`, { keys: ["department", "nope"] });
    expect([missing.status, (missing.json as { code: number }).code]).toEqual([404, 5]);
    expect((await call(s, "DELETE", `${v1}/${id}/metadata/_bulk`, { keys: ["department"] })).status).toBe(
      200,
    );
    expect((await call(s, "DELETE", `${v1}/${id}/metadata/costCenter`)).status).toBe(200);
    expect((await call(s, "POST", `${v1}/${id}/metadata/title`, { value: b64("CTO") })).status).toBe(200);
    expect(userNamed(s, "ann@example.com")?.metadata).toEqual({ title: "CTO" });
    expect(
      (
        await call(s, "POST", `${v1}/${id}/metadata/_bulk`, {
          metadata: [{ key: "k", value: "not base64!" }],
        })
      ).status,
    ).toBe(400);
  });

  it("searches users by username within the organisation of x-zitadel-orgid", async () => {
    const s = await start();
    await imported(s, "ann@example.com");
    await imported(s, "annette@example.com");
    const search = (method: string) =>
      call(s, "POST", `${v1}/_search`, {
        query: { limit: 2 },
        queries: [{ userNameQuery: { userName: "ANN@example.com", method } }],
      });
    const ignoringCase = await search("TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE");
    expect(ignoringCase.json).toMatchObject({
      details: { totalResult: "1" },
      result: [
        {
          userName: "ann@example.com",
          state: "USER_STATE_ACTIVE",
          human: { email: { isEmailVerified: true } },
        },
      ],
    });
    expect((await search("TEXT_QUERY_METHOD_EQUALS")).json).toMatchObject({ result: [] });
    const otherOrg = await call(
      s,
      "POST",
      `${v1}/_search`,
      {},
      { authorization: `Bearer ${pat}`, "x-zitadel-orgid": "42" },
    );
    expect([otherOrg.status, (otherOrg.json as { code: number }).code]).toEqual([403, 7]);
  });
});

describe("ZITADEL simulator: user service (v2)", () => {
  it("adds, gets, lists, updates, deactivates and deletes users", async () => {
    const s = await start();
    const b64 = Buffer.from("R&D").toString("base64");
    const added = await call(s, "POST", "/v2/users/human", {
      username: "ann",
      organization: { orgId },
      profile: { givenName: "Ann", familyName: "Example" },
      email: { email: "ann@example.com", isVerified: true },
      metadata: [{ key: "department", value: b64 }],
      password: { password: "Secr3t-Passw0rd!", changeRequired: true },
    });
    expect(added.status).toBe(201);
    const id = (added.json as { userId: string }).userId;
    expect((await call(s, "GET", `/v2/users/${id}`)).json).toMatchObject({
      user: {
        userId: id,
        username: "ann",
        state: "USER_STATE_ACTIVE",
        human: { passwordChangeRequired: true },
      },
    });
    expect(userNamed(s, "ann")?.metadata).toEqual({ department: "R&D" });
    const listed = await call(s, "POST", "/v2/users", {
      queries: [
        { userNameQuery: { userName: "ann", method: "TEXT_QUERY_METHOD_EQUALS" } },
        { organizationIdQuery: { organizationId: orgId } },
      ],
    });
    expect(listed.json).toMatchObject({ result: [{ userId: id }] });
    const updated = await call(s, "PUT", `/v2/users/human/${id}`, {
      username: "ann.e",
      profile: { givenName: "Anna", familyName: "Example", displayName: "Anna" },
      phone: { phone: "+41790000000", isVerified: true },
    });
    expect(updated.status).toBe(200);
    // v2 takes unchanged parts without complaint; an empty phone number removes the phone.
    expect(
      (await call(s, "PUT", `/v2/users/human/${id}`, { username: "ann.e", phone: { phone: "" } })).status,
    ).toBe(200);
    expect(userNamed(s, "ann.e")?.human).toMatchObject({
      profile: { givenName: "Anna", displayName: "Anna" },
      phone: {},
    });
    expect((await call(s, "POST", `/v2/users/${id}/deactivate`, {})).status).toBe(200);
    expect((await call(s, "POST", `/v2/users/${id}/deactivate`, {})).json).toMatchObject({ code: 9 });
    expect((await call(s, "DELETE", `/v2/users/${id}`)).status).toBe(200);
    expect((await call(s, "GET", `/v2/users/${id}`)).status).toBe(404);
  });

  it("refuses to deactivate an initial user with FAILED_PRECONDITION, in Connect's error form when asked", async () => {
    const s = await start({ errorStyle: "connect" });
    const added = await call(s, "POST", "/v2/users/human", {
      username: "ann",
      profile: { givenName: "Ann", familyName: "Example" },
      email: { email: "ann@example.com" },
    });
    const id = (added.json as { userId: string }).userId;
    const refused = await call(s, "POST", `/v2/users/${id}/deactivate`, {});
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: "failed_precondition",
      message: "User cannot be deactivated while in initial state (COMMAND-gvx4kct9r2)",
      details: [{ type: "zitadel.v1.ErrorDetail", debug: { id: "COMMAND-gvx4kct9r2" } }],
    });
  });
});

describe("ZITADEL simulator: user service (v2) as the real one behaves", () => {
  const addBody = (userName: string, extra: Record<string, unknown> = {}) => ({
    username: userName,
    profile: { givenName: "Ann", familyName: "Example" },
    email: { email: `${userName}@example.com`, isVerified: true },
    ...extra,
  });

  it("refuses a caller-chosen user id in use with FAILED_PRECONDITION COMMAND-7yiox1isql", async () => {
    const s = await start();
    expect((await call(s, "POST", "/v2/users/human", addBody("ann", { userId: "chosen-1" }))).status).toBe(
      201,
    );
    const again = await call(s, "POST", "/v2/users/human", addBody("ann2", { userId: "chosen-1" }));
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ code: 9, message: "User already exists (COMMAND-7yiox1isql)" });
    expect(s.users().map((user) => user.userId)).toEqual(["chosen-1"]);
  });

  it("creates in the organisation the body names, and lists users of every organisation", async () => {
    const s = await start({ otherOrgIds: ["other-org"] });
    await call(s, "POST", "/v2/users/human", addBody("bo", { organization: { orgId: "other-org" } }));
    const listed = await call(s, "POST", "/v2/users", {
      queries: [{ userNameQuery: { userName: "bo", method: "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE" } }],
    });
    expect(listed.json).toMatchObject({
      result: [{ username: "bo", details: { resourceOwner: "other-org" } }],
    });
    const unknown = await call(s, "POST", "/v2/users/human", addBody("cy", { organization: { orgId: "x" } }));
    expect(unknown.status).toBe(403);
  });

  it("ignores an empty phone in UpdateHumanUser; RemovePhone removes it", async () => {
    const s = await start();
    const added = await call(
      s,
      "POST",
      "/v2/users/human",
      addBody("ann", { phone: { phone: "+41790000000" } }),
    );
    const { userId } = added.json as { userId: string };
    expect((await call(s, "PUT", `/v2/users/human/${userId}`, { phone: { phone: "" } })).status).toBe(200);
    expect(userNamed(s, "ann")?.human.phone).toEqual({ phone: "+41790000000", isVerified: false });
    expect((await call(s, "DELETE", `/v2/users/${userId}/phone`, {})).status).toBe(200);
    expect(userNamed(s, "ann")?.human.phone).toEqual({});
    expect((await call(s, "DELETE", `/v2/users/${userId}/phone`, {})).status).toBe(200);
  });

  it("sets and deletes metadata (DeleteUserMetadata all or nothing)", async () => {
    const s = await start();
    const { userId } = (await call(s, "POST", "/v2/users/human", addBody("ann"))).json as { userId: string };
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    const metadata = [
      { key: "a", value: b64("1") },
      { key: "b", value: b64("2") },
    ];
    expect((await call(s, "POST", `/v2/users/${userId}/metadata`, { metadata })).status).toBe(200);
    expect((await call(s, "DELETE", `/v2/users/${userId}/metadata`, { keys: ["a", "zz"] })).status).toBe(404);
    expect(userNamed(s, "ann")?.metadata).toEqual({ a: "1", b: "2" });
    expect((await call(s, "DELETE", `/v2/users/${userId}/metadata`, { keys: ["a"] })).status).toBe(200);
    expect(userNamed(s, "ann")?.metadata).toEqual({ b: "2" });
  });

  it("mails a verification code for an unverified address unless the code is asked back", async () => {
    const s = await start();
    await call(s, "POST", "/v2/users/human", addBody("ann", { email: { email: "ann@example.com" } }));
    await call(
      s,
      "POST",
      "/v2/users/human",
      addBody("bo", { email: { email: "bo@example.com", returnCode: {} } }),
    );
    expect(s.users().map((user) => [user.username, user.mails])).toEqual([
      ["ann", ["emailVerification"]],
      ["bo", []],
    ]);
  });
});

describe("ZITADEL simulator: limits, faults and the test surface", () => {
  it("answers 429 with Retry-After beyond the requests per second, and recovers a second later", async () => {
    const clock = new FakeClock();
    const s = await start({ requestsPerSecond: 2, clock });
    expect((await call(s, "POST", `${v1}/_search`, {})).status).toBe(200);
    expect((await call(s, "POST", `${v1}/_search`, {})).status).toBe(200);
    const limited = await call(s, "POST", `${v1}/_search`, {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.json).toMatchObject({ code: 8 });
    clock.advance(1000);
    expect((await call(s, "POST", `${v1}/_search`, {})).status).toBe(200);
  });

  it("switches faults on and off: outage, errors, rate limits, timeouts", async () => {
    const s = await start();
    const faults = (body: unknown) => call(s, "POST", "/_sim/faults", body, {});
    expect((await faults({ outage: true })).json).toEqual({
      errorRate: 0,
      rateLimitRate: 0,
      timeoutRate: 0,
      latencyMs: 0,
      nonJson429: false,
      retryAfterSeconds: 1,
      outage: true,
    });
    const down = await call(s, "POST", `${v1}/human/_import`, importBody("ann@example.com"));
    expect([down.status, down.json]).toEqual([
      503,
      {
        code: 14,
        message: "Service unavailable (SIM-outage)",
        details: [
          {
            "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
            id: "SIM-outage",
            message: "Service unavailable",
          },
        ],
      },
    ]);
    expect(s.users()).toEqual([]);
    expect((await tokenRequest(s, { grant_type: jwtGrant })).status).toBe(503);
    await faults({ errorRate: 1 });
    expect((await call(s, "POST", `${v1}/_search`, {})).status).toBe(500);
    await faults({ rateLimitRate: 1, retryAfterSeconds: 7 });
    expect((await call(s, "POST", `${v1}/_search`, {})).headers.get("retry-after")).toBe("7");
    await faults({ timeoutRate: 1 });
    const swallowed = fetch(`${s.url}${v1}/human/_import`, {
      method: "POST",
      headers: { authorization: `Bearer ${pat}`, "content-type": "application/json" },
      body: JSON.stringify(importBody("ann@example.com")),
      signal: AbortSignal.timeout(200),
    });
    await expect(swallowed).rejects.toThrow();
    expect(userNamed(s, "ann@example.com")).toBeDefined();
    expect((await faults({ outage: "yes" })).status).toBe(400);
    await faults({});
    expect((await call(s, "POST", `${v1}/_search`, {})).status).toBe(200);
  });

  it("records requests verbatim, counts requests in flight, and resets", async () => {
    const s = await start();
    await call(s, "POST", "/_sim/faults", { latencyMs: 100 }, {});
    await Promise.all([1, 2, 3].map((n) => imported(s, `user${n}@example.com`)));
    expect(s.stats()).toEqual({ inFlight: 0, maxInFlight: 3 });
    expect((await call(s, "GET", "/_sim/stats", undefined, {})).json).toEqual({
      inFlight: 0,
      maxInFlight: 3,
    });
    const recorded = (await call(s, "GET", "/_sim/requests", undefined, {})).json as { body: unknown }[];
    expect(recorded).toHaveLength(3);
    expect(recorded[0]).toMatchObject({
      method: "POST",
      path: `${v1}/human/_import`,
      status: 200,
      body: importBody("user1@example.com"),
    });
    expect(((await call(s, "GET", "/_sim/users", undefined, {})).json as unknown[]).length).toBe(3);
    await call(s, "POST", "/_sim/reset", undefined, {});
    expect(s.users()).toEqual([]);
    expect(s.requests()).toEqual([]);
    expect(s.stats()).toEqual({ inFlight: 0, maxInFlight: 0 });
  });

  it("answers unknown API paths 404 and unknown simulator routes 404", async () => {
    const s = await start();
    expect((await call(s, "GET", "/management/v1/nothing/here/at/all")).status).toBe(404);
    expect((await call(s, "GET", "/_sim/nothing", undefined, {})).status).toBe(404);
  });
});
