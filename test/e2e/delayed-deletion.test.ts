import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { scim, scimUser, settled, startTestStack } from "./stack.ts";

/**
 * The leaver policy "deactivate, then delete after N days" through the local runtime: the clock the
 * pipeline goes by is moved forward across the days, the scheduled deletion check does the rest.
 */
const dayMs = 86_400_000;
const deleteAfterDays = 30;
const ann = { id: "E-7001", email: "ann.leaver@example.com", givenName: "Ann", familyName: "Lee" };

describe("leaver policy: deactivate, then delete after N days", () => {
  let stack: LocalStack;
  let offsetMs = 0;
  let zitadelId: string | undefined;
  let descopeId: string | undefined;
  const advance = (ms: number) => {
    offsetMs += ms;
  };
  const descopeUser = () => stack.descope?.users().find((user) => user.loginIds.includes(ann.email));
  const zitadelUser = () => stack.zitadel?.users().find((user) => user.username === ann.email);
  const deletions = () => [
    ...(stack.descope?.requests() ?? []).filter((call) => call.path.startsWith("/v1/mgmt/user/delete")),
    ...(stack.zitadel?.requests() ?? []).filter((call) => call.method === "DELETE"),
  ];
  /** Hands due deletion checks to the queue now, as the scheduler's timer would within a second. */
  const releaseDue = async () => {
    await stack.runtime.scheduler.releaseDue();
    await settled(stack);
  };

  beforeAll(async () => {
    stack = await startTestStack(
      (config) => ({
        ...config,
        providers: config.providers.map((provider) => ({ ...provider, deleteAfterDays })),
      }),
      {},
      { clock: { now: () => Date.now() + offsetMs } },
    );
    expect((await scim(stack, "POST", "/Users", scimUser(ann))).status).toBe(201);
    await settled(stack);
    zitadelId = zitadelUser()?.userId;
    descopeId = descopeUser()?.userId;
    expect(descopeUser()?.status).not.toBe("disabled");
    expect(zitadelId).toBeDefined();
  });
  afterAll(() => stack.stop());

  it("deactivates the leaver at both providers and schedules one deletion check per provider", async () => {
    const leftAt = Date.now() + offsetMs;
    const answer = await scim(stack, "PUT", `/Users/${ann.id}`, scimUser({ ...ann, active: false }));
    expect(answer.status).toBe(200);
    await settled(stack);

    expect(descopeUser()?.status).toBe("disabled");
    // Imported without a password, the ZITADEL user is still "initial", which ZITADEL cannot deactivate:
    // idp-sync locks it instead.
    expect(zitadelUser()?.state).toBe("USER_STATE_LOCKED");
    const checks = stack.runtime.scheduler.pending();
    expect(checks.map(({ change }) => change.source).sort()).toEqual([
      "leaver-policy:descope",
      "leaver-policy:zitadel",
    ]);
    for (const { change, at } of checks) {
      expect(change).toMatchObject({ person: ann.id, kind: "upsert", attributes: {} });
      // Due N days after the deactivation took effect (its stamp is the arrival of the PUT).
      expect(at.getTime() - leftAt).toBeGreaterThanOrEqual(deleteAfterDays * dayMs);
      expect(at.getTime() - leftAt).toBeLessThan(deleteAfterDays * dayMs + 60_000);
    }
    expect(deletions()).toEqual([]);
  });

  it("keeps the deactivated user before the N days are over, even when the person is synced again", async () => {
    advance((deleteAfterDays - 1) * dayMs);
    await releaseDue();
    // A later change of the inactive person is planned with the clock at day 29: no deletion is due yet.
    const answer = await scim(stack, "PUT", `/Users/${ann.id}`, {
      ...scimUser({ ...ann, active: false }),
      title: "Former engineer",
    });
    expect(answer.status).toBe(200);
    await settled(stack);

    expect(stack.runtime.scheduler.pending()).toHaveLength(2);
    expect(descopeUser()?.status).toBe("disabled");
    expect(zitadelUser()?.state).toBe("USER_STATE_LOCKED");
    expect(deletions()).toEqual([]);
  });

  it("deletes the user at both providers once the clock passes N days", async () => {
    advance(dayMs + 60_000);
    await releaseDue();

    expect(stack.runtime.scheduler.pending()).toEqual([]);
    expect(descopeUser()).toBeUndefined();
    expect(zitadelUser()).toBeUndefined();
    expect(deletions().map((call) => [call.method, call.path, call.body])).toEqual([
      ["POST", "/v1/mgmt/user/delete/batch", { userIds: [descopeId] }],
      ["DELETE", `/management/v1/users/${zitadelId}`, undefined],
    ]);
    // Recorded as deleted at both, so nothing is planned for the person again.
    const record = (await stack.runtime.store.get([ann.id])).get(ann.id);
    expect(record?.providers.descope?.deleted).toBe(true);
    expect(record?.providers.zitadel?.deleted).toBe(true);
  });
});
