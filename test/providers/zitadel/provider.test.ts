import { describe, expect, it } from "vitest";
import type { Fetch } from "../../../shared/http/request.ts";
import type { CanonicalUser } from "../../../shared/model/user.ts";
import { zitadelUserIdFor } from "../../../shared/providers/zitadel/user-id.ts";
import { authorization, call, orgId } from "../../simulators/zitadel/http.ts";
import { createOp, deleteOp, type Harness, harnessPerTest, patchOp, statusOp } from "./harness.ts";

const start = harnessPerTest();

const v1 = "/management/v1/users";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const bcrypt = "$2y$12$hXUrnqdq1RIIYZ2HPytIIe5lXdIvbhqrTvdPsSF7o.jFh817Z6lwm";

const ann = {
  loginId: "ann",
  email: "ann@example.com",
  emailVerified: true,
  phone: "+41790000000",
  phoneVerified: false,
  givenName: "Ann",
  familyName: "Example",
  displayName: "Ann E.",
  department: "R&D",
  active: true,
  customAttributes: { shoeSize: 42 },
} satisfies CanonicalUser;

const withDepartment = { metadataKeys: { department: "department" } };

/** Creates `user` through the provider and returns what the core would record as acknowledged. */
const created = async (
  h: Harness,
  user: CanonicalUser,
  secrets = { hashedPassword: { bcrypt: { hash: bcrypt } } },
) => {
  const [outcome] = await h.provider.apply([createOp("p", user, secrets)]);
  if (outcome?.result !== "applied") throw new Error(`create failed: ${JSON.stringify(outcome)}`);
  return { user, userId: outcome.userId as string };
};

const stored = (h: Harness, userName: string) => h.sim.users().find((user) => user.username === userName);
/** Every request with its organisation header. */
const received = (h: Harness) =>
  h.sim.requests().map(({ method, path, body, orgId: org }) => ({ method, path, body, org }));
/** Requests after the first `skip`, as `METHOD path` with their bodies. */
const sent = (h: Harness, skip = 0) =>
  h.sim
    .requests()
    .slice(skip)
    .map((request) => ({ call: `${request.method} ${request.path}`, body: request.body }));

describe("ZITADEL provider: create (v1 ImportHumanUser)", () => {
  it("imports the user in the organisation, then sets its metadata, and reports ZITADEL's user id", async () => {
    const h = await start({ config: withDepartment });
    const outcomes = await h.provider.apply([
      createOp("p1", ann, { hashedPassword: { bcrypt: { hash: bcrypt } } }),
    ]);
    const user = stored(h, "ann");
    expect(outcomes).toEqual([{ person: "p1", result: "applied", userId: user?.userId }]);
    expect(received(h)).toEqual([
      {
        method: "POST",
        path: `${v1}/human/_import`,
        org: orgId,
        body: {
          userName: "ann",
          profile: { firstName: "Ann", lastName: "Example", displayName: "Ann E." },
          email: { email: "ann@example.com", isEmailVerified: true },
          phone: { phone: "+41790000000", isPhoneVerified: false },
          hashedPassword: { value: bcrypt },
          passwordChangeRequired: false,
        },
      },
      {
        method: "POST",
        path: `${v1}/${user?.userId}/metadata/_bulk`,
        org: orgId,
        body: {
          metadata: [
            { key: "shoeSize", value: b64("42") },
            { key: "department", value: b64("R&D") },
          ],
        },
      },
    ]);
    expect(user).toMatchObject({
      organizationId: orgId,
      state: "USER_STATE_ACTIVE",
      hasPassword: true,
      human: {
        profile: { givenName: "Ann", familyName: "Example", displayName: "Ann E." },
        email: { email: "ann@example.com", isVerified: true },
        phone: { phone: "+41790000000", isVerified: false },
        passwordChangeRequired: false,
      },
      metadata: { shoeSize: "42", department: "R&D" },
    });
  });

  it("sends a plain password with passwordChangeRequired, and asks for passwordless registration when configured", async () => {
    const h = await start({
      config: { passwordChangeRequired: true, requestPasswordlessRegistration: true },
    });
    await h.provider.apply([
      createOp(
        "p1",
        { loginId: "bob", email: "bob@example.com", givenName: "Bob", familyName: "B" },
        {
          password: "Secr3t-Passw0rd!",
        },
      ),
      createOp("p2", { loginId: "cy", email: "cy@example.com", displayName: "Cy Young" }),
    ]);
    expect(h.requestsTo(`${v1}/human/_import`).map((request) => request.body)).toEqual([
      {
        userName: "bob",
        profile: { firstName: "Bob", lastName: "B", displayName: "Bob B" },
        email: { email: "bob@example.com", isEmailVerified: false },
        password: "Secr3t-Passw0rd!",
        passwordChangeRequired: true,
        requestPasswordlessRegistration: true,
      },
      {
        userName: "cy",
        profile: { firstName: "Cy", lastName: "Young", displayName: "Cy Young" },
        email: { email: "cy@example.com", isEmailVerified: false },
        requestPasswordlessRegistration: true,
      },
    ]);
  });

  it("creates an inactive user and deactivates it; one ZITADEL cannot deactivate yet (initial) is locked", async () => {
    const h = await start();
    const outcomes = await h.provider.apply([
      createOp("p1", { ...ann, active: false }, { password: "Secr3t-Passw0rd!" }),
      createOp("p2", {
        loginId: "new",
        email: "new@example.com",
        givenName: "N",
        familyName: "U",
        active: false,
      }),
    ]);
    expect(outcomes.map((outcome) => outcome.result)).toEqual(["applied", "applied"]);
    expect(stored(h, "ann")?.state).toBe("USER_STATE_INACTIVE");
    expect(stored(h, "new")?.state).toBe("USER_STATE_LOCKED");
    const id = stored(h, "new")?.userId;
    expect(h.calls().filter((call) => call.includes(`/${id}`))).toEqual([
      `POST ${v1}/${id}/_deactivate`,
      `GET ${v1}/${id}`,
      `POST ${v1}/${id}/_lock`,
    ]);
  });
});

describe("ZITADEL provider: create (v2 AddHumanUser)", () => {
  it("adds the user with organisation, metadata and password in one request", async () => {
    const h = await start({ config: { api: "v2", passwordChangeRequired: true, ...withDepartment } });
    const outcomes = await h.provider.apply([createOp("p1", ann, { password: "Secr3t-Passw0rd!" })]);
    const user = stored(h, "ann");
    const userId = zitadelUserIdFor("p1", orgId);
    expect(user?.userId).toBe(userId);
    expect(outcomes).toEqual([{ person: "p1", result: "applied", userId }]);
    expect(received(h)).toEqual([
      {
        method: "POST",
        path: "/v2/users/human",
        org: undefined,
        body: {
          userId,
          username: "ann",
          organization: { orgId },
          profile: { givenName: "Ann", familyName: "Example", displayName: "Ann E." },
          email: { email: "ann@example.com", isVerified: true },
          phone: { phone: "+41790000000" },
          metadata: [
            { key: "shoeSize", value: b64("42") },
            { key: "department", value: b64("R&D") },
          ],
          password: { password: "Secr3t-Passw0rd!", changeRequired: true },
        },
      },
    ]);
    expect(user).toMatchObject({
      state: "USER_STATE_ACTIVE",
      metadata: { shoeSize: "42", department: "R&D" },
      human: { passwordChangeRequired: true },
    });
  });

  it("a create whose answer was lost, sent again, takes over the user it made instead of a second one", async () => {
    let lose = true;
    const losing: Fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (lose && String(input).endsWith("/v2/users/human")) {
        lose = false;
        throw new TypeError("fetch failed: socket hang up");
      }
      return response;
    };
    const h = await start({ config: { api: "v2" }, fetch: losing });
    expect(await h.provider.apply([createOp("p1", ann)])).toEqual([
      expect.objectContaining({ person: "p1", result: "retry" }),
    ]);
    const userId = zitadelUserIdFor("p1", orgId);
    // The core retries the create (an unconfirmed state without a user id plans a create again).
    expect(await h.provider.apply([createOp("p1", { ...ann, givenName: "Anne" })])).toEqual([
      { person: "p1", result: "applied", userId },
    ]);
    expect(h.sim.users().map((user) => [user.userId, user.human.profile.givenName])).toEqual([
      [userId, "Anne"],
    ]);
    expect(h.sim.requests().map((request) => [request.method, request.path, request.status])).toEqual([
      ["POST", "/v2/users/human", 201],
      ["POST", "/v2/users/human", 400],
      ["GET", `/v2/users/${userId}`, 200],
      ["PUT", `/v2/users/human/${userId}`, 200],
      // User queries return no metadata: it is set again.
      ["POST", `/v2/users/${userId}/metadata`, 200],
    ]);
  });

  it("lets ZITADEL mail no verification code by default, and mails it when configured", async () => {
    const unverified = { ...ann, emailVerified: false };
    const quiet = await start({ config: { api: "v2" } });
    await quiet.provider.apply([createOp("p1", unverified)]);
    expect(quiet.sim.requests()[0]?.body).toMatchObject({ email: { email: ann.email, returnCode: {} } });
    expect(stored(quiet, "ann")?.mails).toEqual([]);
    const mailing = await start({ config: { api: "v2", verificationEmail: "send" } });
    await mailing.provider.apply([createOp("p1", unverified)]);
    expect(stored(mailing, "ann")?.mails).toEqual(["emailVerification"]);
  });
});

describe("ZITADEL provider: updates", () => {
  it("v1: sends each changed part to its endpoint, and metadata through the bulk endpoints", async () => {
    const h = await start({ config: withDepartment });
    const current = await created(h, ann);
    const before = h.sim.requests().length;
    const outcomes = await h.provider.apply([
      patchOp("p", current, {
        loginId: "ann.e",
        familyName: "Other",
        email: "ann.other@example.com",
        phone: "+41790000001",
        phoneVerified: true,
        department: "Sales",
        customAttributes: null,
      }),
    ]);
    expect(outcomes).toEqual([{ person: "p", result: "applied", userId: current.userId }]);
    const id = current.userId;
    expect(sent(h, before)).toEqual([
      { call: `PUT ${v1}/${id}/username`, body: { userName: "ann.e" } },
      {
        call: `PUT ${v1}/${id}/profile`,
        body: { firstName: "Ann", lastName: "Other", displayName: "Ann E." },
      },
      {
        call: `PUT ${v1}/${id}/email`,
        body: { email: "ann.other@example.com", isEmailVerified: true },
      },
      { call: `PUT ${v1}/${id}/phone`, body: { phone: "+41790000001", isPhoneVerified: true } },
      { call: `DELETE ${v1}/${id}/metadata/_bulk`, body: { keys: ["shoeSize"] } },
      {
        call: `POST ${v1}/${id}/metadata/_bulk`,
        body: { metadata: [{ key: "department", value: b64("Sales") }] },
      },
    ]);
    expect(stored(h, "ann.e")).toMatchObject({
      userId: id,
      human: {
        profile: { familyName: "Other" },
        email: { email: "ann.other@example.com" },
        phone: { phone: "+41790000001", isVerified: true },
      },
      metadata: { department: "Sales" },
    });
  });

  it("v1: removes a phone number; a change no mapped field sees costs no call", async () => {
    const h = await start();
    const current = await created(h, ann);
    const before = h.sim.requests().length;
    await h.provider.apply([patchOp("p", current, { phone: null, roles: ["admin"] })]);
    expect(sent(h, before)).toEqual([{ call: `DELETE ${v1}/${current.userId}/phone`, body: undefined }]);
    expect(stored(h, "ann")?.human.phone).toEqual({});
    const after = h.sim.requests().length;
    expect(await h.provider.apply([patchOp("p", current, { roles: ["admin"], middleName: "Q" })])).toEqual([
      { person: "p", result: "applied", userId: current.userId },
    ]);
    expect(h.sim.requests()).toHaveLength(after);
  });

  it("v2: sends username, profile and e-mail in one UpdateHumanUser request, removes a phone with RemovePhone", async () => {
    const h = await start({ config: { api: "v2" } });
    const current = await created(h, ann);
    const before = h.sim.requests().length;
    await h.provider.apply([
      patchOp("p", current, { loginId: "ann.e", givenName: "Anna", email: "anna@example.com", phone: null }),
    ]);
    expect(sent(h, before)).toEqual([
      {
        call: `PUT /v2/users/human/${current.userId}`,
        body: {
          username: "ann.e",
          profile: { givenName: "Anna", familyName: "Example", displayName: "Ann E." },
          email: { email: "anna@example.com", isVerified: true },
        },
      },
      { call: `DELETE /v2/users/${current.userId}/phone`, body: {} },
    ]);
    expect(stored(h, "ann.e")?.human).toMatchObject({
      profile: { givenName: "Anna" },
      email: { email: "anna@example.com", isVerified: true },
      phone: {},
    });
  });

  it("sends no un-verification of an unchanged address: ZITADEL ignores it (v2) or refuses it (v1)", async () => {
    const h = await start({ config: { api: "v2" } });
    const current = await created(h, ann);
    const before = h.sim.requests().length;
    expect(await h.provider.apply([patchOp("p", current, { emailVerified: false })])).toEqual([
      { person: "p", result: "applied", userId: current.userId },
    ]);
    expect(sent(h, before)).toEqual([]);
  });

  it("v2: sets and removes metadata through SetUserMetadata and DeleteUserMetadata", async () => {
    const h = await start({ config: { api: "v2", ...withDepartment } });
    const current = await created(h, ann);
    const before = h.sim.requests().length;
    await h.provider.apply([patchOp("p", current, { department: "Sales", customAttributes: null })]);
    expect(sent(h, before)).toEqual([
      { call: `DELETE /v2/users/${current.userId}/metadata`, body: { keys: ["shoeSize"] } },
      {
        call: `POST /v2/users/${current.userId}/metadata`,
        body: { metadata: [{ key: "department", value: b64("Sales") }] },
      },
    ]);
    expect(stored(h, "ann")?.metadata).toEqual({ department: "Sales" });
  });

  it("rejects a change that leaves ZITADEL without a required field, sending nothing", async () => {
    const h = await start();
    const current = await created(h, ann);
    const before = h.sim.requests().length;
    expect(await h.provider.apply([patchOp("p", current, { email: null })])).toEqual([
      {
        person: "p",
        result: "rejected",
        reason: "cannot apply this change: ZITADEL requires an e-mail address: this user has none",
      },
    ]);
    expect(h.sim.requests()).toHaveLength(before);
  });
});

describe("ZITADEL provider: leavers and rehires", () => {
  for (const api of ["v1-import", "v2"] as const) {
    const path = (id: string, verb: string) =>
      api === "v2" ? `POST /v2/users/${id}/${verb}` : `POST ${v1}/${id}/_${verb}`;

    it(`${api}: deactivates and reactivates with an empty body`, async () => {
      const h = await start({ config: { api } });
      const current = await created(h, ann);
      const before = h.sim.requests().length;
      expect(await h.provider.apply([statusOp("p", current, false)])).toEqual([
        { person: "p", result: "applied", userId: current.userId },
      ]);
      expect(stored(h, "ann")?.state).toBe("USER_STATE_INACTIVE");
      const inactive = { ...current, user: { ...ann, active: false } };
      expect(await h.provider.apply([statusOp("p", inactive, true)])).toEqual([
        { person: "p", result: "applied", userId: current.userId },
      ]);
      expect(stored(h, "ann")?.state).toBe("USER_STATE_ACTIVE");
      expect(sent(h, before)).toEqual([
        { call: path(current.userId, "deactivate"), body: {} },
        { call: path(current.userId, "reactivate"), body: {} },
      ]);
    });

    it(`${api}: deletes, and takes a user that is gone already as deleted`, async () => {
      const h = await start({ config: { api } });
      const current = await created(h, ann);
      const before = h.sim.requests().length;
      const remove = api === "v2" ? `DELETE /v2/users/${current.userId}` : `DELETE ${v1}/${current.userId}`;
      expect(await h.provider.apply([deleteOp("p", current)])).toEqual([
        { person: "p", result: "applied", userId: current.userId },
      ]);
      expect(await h.provider.apply([deleteOp("p", current)])).toEqual([
        { person: "p", result: "applied", userId: current.userId },
      ]);
      expect(sent(h, before).map((request) => request.call)).toEqual([remove, remove]);
      expect(h.sim.users()).toEqual([]);
    });
  }

  it("takes ZITADEL's 'already deactivated' as done, after reading the user's state", async () => {
    const h = await start();
    const current = await created(h, ann);
    await h.provider.apply([statusOp("p", current, false)]);
    const before = h.sim.requests().length;
    expect(await h.provider.apply([statusOp("p", current, false)])).toEqual([
      { person: "p", result: "applied", userId: current.userId },
    ]);
    expect(sent(h, before).map((request) => request.call)).toEqual([
      `POST ${v1}/${current.userId}/_deactivate`,
      `GET ${v1}/${current.userId}`,
    ]);
  });

  it("deletes leavers first, so a joiner taking a leaver's username in the same batch gets a new account", async () => {
    const h = await start();
    const leaver = await created(h, ann);
    const outcomes = await h.provider.apply([
      createOp("joiner", { ...ann, email: "ann2@example.com", givenName: "Annie" }),
      deleteOp("leaver", leaver),
    ]);
    expect(outcomes[0]).toMatchObject({ person: "joiner", result: "applied" });
    expect(outcomes[0]).not.toMatchObject({ userId: leaver.userId });
    expect(stored(h, "ann")?.human.profile.givenName).toBe("Annie");
  });
});

describe("ZITADEL provider: error mapping", () => {
  it("409 AlreadyExists on create: finds the user by username and updates it to the wanted state", async () => {
    const h = await start();
    const existing = await created(h, { ...ann, familyName: "Old", phone: undefined, customAttributes: {} });
    const before = h.sim.requests().length;
    expect(await h.provider.apply([createOp("p2", ann)])).toEqual([
      { person: "p2", result: "applied", userId: existing.userId },
    ]);
    const id = existing.userId;
    expect(sent(h, before)).toEqual([
      { call: `POST ${v1}/human/_import`, body: expect.objectContaining({ userName: "ann" }) },
      {
        call: `POST ${v1}/_search`,
        body: {
          query: { limit: 2 },
          queries: [{ userNameQuery: { userName: "ann", method: "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE" } }],
        },
      },
      {
        call: `PUT ${v1}/${id}/profile`,
        body: { firstName: "Ann", lastName: "Example", displayName: "Ann E." },
      },
      { call: `PUT ${v1}/${id}/phone`, body: { phone: "+41790000000", isPhoneVerified: false } },
      {
        call: `POST ${v1}/${id}/metadata/_bulk`,
        body: { metadata: [{ key: "shoeSize", value: b64("42") }] },
      },
    ]);
    expect(h.sim.requests()[before]?.status).toBe(409);
    expect(stored(h, "ann")).toMatchObject({ human: { profile: { familyName: "Example" } } });
  });

  it("v2: 409 on create finds the user through the user service, within the organisation", async () => {
    const h = await start({ config: { api: "v2" } });
    const existing = await created(h, { ...ann, givenName: "Old" });
    const before = h.sim.requests().length;
    expect(await h.provider.apply([createOp("p2", ann)])).toEqual([
      { person: "p2", result: "applied", userId: existing.userId },
    ]);
    const id = existing.userId;
    expect(sent(h, before)).toEqual([
      { call: "POST /v2/users/human", body: expect.objectContaining({ username: "ann" }) },
      {
        call: "POST /v2/users",
        body: {
          query: { limit: 2 },
          queries: [
            { userNameQuery: { userName: "ann", method: "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE" } },
            { organizationIdQuery: { organizationId: orgId } },
          ],
        },
      },
      {
        call: `PUT /v2/users/human/${id}`,
        body: { profile: { givenName: "Ann", familyName: "Example", displayName: "Ann E." } },
      },
      {
        call: `POST /v2/users/${id}/metadata`,
        body: { metadata: [{ key: "shoeSize", value: b64("42") }] },
      },
    ]);
  });

  it("409 because a user of another organisation holds the username: rejected with that reason, not retried", async () => {
    const h = await start({ sim: { otherOrgIds: ["other-org"] } });
    const other = await call(
      h.sim,
      "POST",
      `${v1}/human/_import`,
      {
        userName: "ann",
        profile: { firstName: "Someone", lastName: "Else" },
        email: { email: "someone@example.com", isEmailVerified: true },
      },
      { authorization, "x-zitadel-orgid": "other-org" },
    );
    const holder = (other.json as { userId: string }).userId;
    const before = h.sim.requests().length;
    expect(await h.provider.apply([createOp("p2", ann)])).toEqual([
      {
        person: "p2",
        result: "rejected",
        reason: `create: ZITADEL answered HTTP 409 already_exists (User already exists (V3-DKcYh)); the username "ann" belongs to ZITADEL user ${holder} of organisation other-org: usernames are unique across the instance`,
      },
    ]);
    expect(sent(h, before).map((request) => request.call)).toEqual([
      `POST ${v1}/human/_import`,
      `POST ${v1}/_search`,
      "POST /v2/users",
    ]);
  });

  it("a shared e-mail address is no conflict: ZITADEL has no uniqueness rule for it", async () => {
    const h = await start();
    await created(h, { ...ann, loginId: "other" });
    expect(await h.provider.apply([createOp("p2", ann)])).toEqual([
      expect.objectContaining({ person: "p2", result: "applied" }),
    ]);
  });

  it("409 while ZITADEL's search lists nobody yet (its projections lag): retried", async () => {
    // The search answers as a lagging projection would: no results.
    const lagging: Fetch = async (input, init) =>
      String(input).endsWith("/_search")
        ? new Response(JSON.stringify({ details: { totalResult: "0" }, result: [] }), { status: 200 })
        : fetch(input, init);
    const h = await start({ fetch: lagging });
    await created(h, ann);
    expect(await h.provider.apply([createOp("p2", ann)])).toEqual([
      {
        person: "p2",
        result: "retry",
        reason:
          'create: ZITADEL answered HTTP 409 already_exists (User already exists (V3-DKcYh)); no user named "ann" is listed (yet)',
      },
    ]);
  });

  it("404 on update: finds nobody under the username and creates the user", async () => {
    const h = await start();
    const stale = { user: ann, userId: "999" };
    const outcomes = await h.provider.apply([patchOp("p", stale, { familyName: "Other" })]);
    const user = stored(h, "ann");
    expect(outcomes).toEqual([{ person: "p", result: "applied", userId: user?.userId }]);
    expect(user?.human.profile.familyName).toBe("Other");
    expect(h.calls()).toEqual([
      `PUT ${v1}/999/profile`,
      `POST ${v1}/_search`,
      `POST ${v1}/human/_import`,
      `POST ${v1}/${user?.userId}/metadata/_bulk`,
    ]);
    expect(h.sim.requests()[0]?.status).toBe(404);
  });

  it("404 on update: adopts the user found under the username (its id changed)", async () => {
    const h = await start();
    const current = await created(h, ann);
    const before = h.sim.requests().length;
    const outcomes = await h.provider.apply([
      patchOp("p", { ...current, userId: "999" }, { givenName: "Anna" }),
    ]);
    expect(outcomes).toEqual([{ person: "p", result: "applied", userId: current.userId }]);
    expect(sent(h, before).map((request) => request.call)).toEqual([
      `PUT ${v1}/999/profile`,
      `POST ${v1}/_search`,
      `PUT ${v1}/${current.userId}/profile`,
      // Metadata cannot be read from a search, so it is sent again.
      `POST ${v1}/${current.userId}/metadata/_bulk`,
    ]);
  });

  it("no user id known and nobody under the username: creates the user", async () => {
    const h = await start();
    const outcomes = await h.provider.apply([patchOp("p", { user: ann }, { familyName: "Other" })]);
    const user = stored(h, "ann");
    expect(outcomes).toEqual([{ person: "p", result: "applied", userId: user?.userId }]);
    expect(h.calls()).toEqual([
      `POST ${v1}/_search`,
      `POST ${v1}/human/_import`,
      `POST ${v1}/${user?.userId}/metadata/_bulk`,
    ]);
  });

  it("404 while ZITADEL's (lagging) search still lists the user under that id: retried", async () => {
    const listed: Fetch = async (input, init) =>
      String(input).endsWith("/_search")
        ? new Response(
            JSON.stringify({
              result: [{ id: "999", userName: "ann", state: "USER_STATE_ACTIVE", human: {} }],
            }),
            { status: 200 },
          )
        : fetch(input, init);
    const h = await start({ fetch: listed });
    expect(
      await h.provider.apply([patchOp("p", { user: ann, userId: "999" }, { givenName: "Anna" })]),
    ).toEqual([
      {
        person: "p",
        result: "retry",
        reason:
          "update: ZITADEL answered HTTP 404 not_found (User could not be found (QUERY-Dfbg2)) (yet ZITADEL still lists the user)",
      },
    ]);
  });

  it("a leaver ZITADEL no longer knows is done, without creating anything", async () => {
    const h = await start();
    expect(await h.provider.apply([statusOp("p", { user: ann, userId: "999" }, false)])).toEqual([
      { person: "p", result: "applied", userId: "999" },
    ]);
    // v1 answers NotFound also for users it cannot deactivate yet, so the state is read before searching.
    expect(h.calls()).toEqual([`POST ${v1}/999/_deactivate`, `GET ${v1}/999`, `POST ${v1}/_search`]);
  });

  it("takes a translated 'not changed' refusal as done, by its id (the part already had the value)", async () => {
    const h = await start({ sim: { language: "de" } });
    const current = await created(h, ann);
    // The change reached ZITADEL already (a retry after a lost answer, or someone in the console).
    await call(h.sim, "PUT", `${v1}/${current.userId}/profile`, {
      firstName: "Ann",
      lastName: "Other",
      displayName: "Ann E.",
    });
    const before = h.sim.requests().length;
    expect(await h.provider.apply([patchOp("p", current, { familyName: "Other" })])).toEqual([
      { person: "p", result: "applied", userId: current.userId },
    ]);
    expect(h.sim.requests()[before]).toMatchObject({
      status: 400,
      path: `${v1}/${current.userId}/profile`,
    });
  });

  it("400 is permanent, with ZITADEL's message as the reason", async () => {
    const h = await start();
    expect(await h.provider.apply([createOp("p", { ...ann, phone: "0790000000" })])).toEqual([
      {
        person: "p",
        result: "rejected",
        reason:
          "create: ZITADEL answered HTTP 400 invalid_argument (invalid ImportHumanUserRequest.phone.phone: must start with +)",
      },
    ]);
    expect(h.sim.users()).toEqual([]);
  });

  it("reads Connect-style error bodies alike", async () => {
    const h = await start({ sim: { errorStyle: "connect" } });
    expect(await h.provider.apply([createOp("p", { ...ann, phone: "0790000000" })])).toEqual([
      {
        person: "p",
        result: "rejected",
        reason: expect.stringMatching(/^create: ZITADEL answered HTTP 400 invalid_argument \(invalid /),
      },
    ]);
  });

  it("5xx is retried with ZITADEL's message; the retry applies once ZITADEL is back", async () => {
    const h = await start();
    h.sim.setFaults({ errorRate: 1 });
    expect(await h.provider.apply([createOp("p", ann)])).toEqual([
      {
        person: "p",
        result: "retry",
        reason: "create: ZITADEL answered HTTP 500 internal (Internal error (SIM-fault))",
      },
    ]);
    h.sim.setFaults({});
    expect(await h.provider.apply([createOp("p", ann)])).toMatchObject([{ result: "applied" }]);
  });

  it("a timeout is retried; the retry adopts the user the lost answer had created", async () => {
    const h = await start({ config: { requestTimeoutMs: 100 } });
    h.sim.setFaults({ timeoutRate: 1 });
    const [lost] = await h.provider.apply([createOp("p", ann)]);
    expect(lost).toMatchObject({
      result: "retry",
      reason: expect.stringMatching(/^create: POST \/management\/v1\/users\/human\/_import got no answer/),
    });
    expect(stored(h, "ann")).toBeDefined();
    h.sim.setFaults({});
    expect(await h.provider.apply([createOp("p", ann)])).toEqual([
      { person: "p", result: "applied", userId: stored(h, "ann")?.userId },
    ]);
    expect(h.sim.users()).toHaveLength(1);
  });

  it("an outage retries every user of the batch, and nothing is lost once it ends", async () => {
    const h = await start();
    const people = ["a", "b", "c"].map((name) =>
      createOp(name, { loginId: name, email: `${name}@example.com`, givenName: name, familyName: "X" }),
    );
    h.sim.setFaults({ outage: true });
    const during = await h.provider.apply(people);
    expect(during.map((outcome) => [outcome.person, outcome.result])).toEqual([
      ["a", "retry"],
      ["b", "retry"],
      ["c", "retry"],
    ]);
    expect(during[0]).toMatchObject({
      reason: "create: ZITADEL answered HTTP 503 unavailable (Service unavailable (SIM-outage))",
    });
    h.sim.setFaults({ outage: false });
    expect((await h.provider.apply(people)).map((outcome) => outcome.result)).toEqual([
      "applied",
      "applied",
      "applied",
    ]);
    expect(h.sim.users().map((user) => user.username)).toEqual(["a", "b", "c"]);
  });
});

describe("ZITADEL provider: an unconfirmed user (a change may have landed unrecorded)", () => {
  it("finds the user by its id when a rename landed unrecorded, and renames it on instead of creating a second", async () => {
    const h = await start();
    const acknowledged = await created(h, ann);
    // The rename to "ann-1" reaches ZITADEL, but the worker dies before it records the answer.
    await h.provider.apply([patchOp("p", acknowledged, { loginId: "ann-1" })]);
    expect(stored(h, "ann-1")?.userId).toBe(acknowledged.userId);
    const before = h.sim.requests().length;

    const outcomes = await h.provider.apply([
      patchOp("p", { ...acknowledged, unconfirmed: true }, { loginId: "ann-2" }),
    ]);

    expect(outcomes).toEqual([{ person: "p", result: "applied", userId: acknowledged.userId }]);
    expect(h.sim.users().map((user) => [user.userId, user.username])).toEqual([
      [acknowledged.userId, "ann-2"],
    ]);
    expect(sent(h, before).map((request) => request.call)).toEqual([
      `GET ${v1}/${acknowledged.userId}`,
      `PUT ${v1}/${acknowledged.userId}/username`,
      // ZITADEL's user answers carry no metadata: a verified user gets it written.
      `POST ${v1}/${acknowledged.userId}/metadata/_bulk`,
    ]);
  });
});
