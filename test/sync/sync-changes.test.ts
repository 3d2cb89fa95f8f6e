import { describe, expect, it } from "vitest";
import type { UserChange } from "../../shared/model/change.ts";
import { syncChanges } from "../../shared/sync/sync-changes.ts";
import { change } from "./fixtures.ts";
import { RecordingProvider, setup } from "./recording-provider.ts";

describe("syncChanges", () => {
  it("creates, records the acknowledgement, and makes a redelivery cost no provider call", async () => {
    const descope = new RecordingProvider("descope");
    const { deps, store, message } = setup(descope);
    const hire = message(change("p1", 1, { loginId: "ann", email: "ann@example.com", password: "pw" }));
    const report = await syncChanges([hire], deps);
    expect(report).toEqual({
      retry: [],
      deadLettered: 0,
      outcomes: { descope: { applied: 1, retry: 0, rejected: 0 } },
      latencyMs: { descope: [expect.any(Number)] },
    });
    expect(descope.calls).toEqual([
      [
        {
          op: "create",
          person: "p1",
          user: { loginId: "ann", email: "ann@example.com" },
          secrets: { password: "pw" },
        },
      ],
    ]);
    expect(store.all()[0]?.providers.descope).toEqual({
      user: { loginId: "ann", email: "ann@example.com" },
      userId: "id-p1",
    });
    expect(JSON.stringify(store.all())).not.toContain('"pw"');

    await syncChanges([hire], deps);
    expect(descope.calls).toHaveLength(1);
  });

  it("tells every provider the invocation's deadline, so pacing never outlasts the function", async () => {
    const descope = new RecordingProvider("descope");
    const zitadel = new RecordingProvider("zitadel");
    const { deps, message } = setup(descope, zitadel);
    await syncChanges([message(change("p1", 1, { loginId: "ann" }))], { ...deps, deadline: 1_234 });
    expect([...descope.contexts, ...zitadel.contexts]).toEqual([{ deadline: 1_234 }, { deadline: 1_234 }]);
  });

  it("deletes a deactivated person once deleteAfterDays have passed, brought back by a scheduled check", async () => {
    const descope = Object.assign(new RecordingProvider("descope"), { deleteAfterDays: 30 });
    const { deps, message } = setup(descope);
    const scheduled: { change: UserChange; at: Date }[] = [];
    const scheduler = {
      schedule: async (change: UserChange, at: Date) => void scheduled.push({ change, at }),
      cancel: async () => {},
    };
    const leftAt = Date.UTC(2026, 0, 1) + 20_000;
    let now = leftAt;
    const withTime = { ...deps, scheduler, now: () => now };
    await syncChanges([message(change("p1", 10, { loginId: "ann", active: true }))], withTime);
    await syncChanges([message(change("p1", 20, { active: false }))], withTime);
    expect(descope.calls.map((call) => call.map((operation) => operation.op))).toEqual([
      ["create"],
      ["status"],
    ]);
    const due = new Date(leftAt + 30 * 86_400_000);
    expect(scheduled).toEqual([
      {
        at: due,
        change: expect.objectContaining({
          source: "leaver-policy:descope",
          person: "p1",
          kind: "upsert",
          attributes: {},
        }),
      },
    ]);

    const check = message((scheduled[0] as { change: UserChange }).change);
    now = due.getTime() - 1;
    await syncChanges([check], withTime);
    expect(descope.calls).toHaveLength(2);
    now = due.getTime();
    await syncChanges([check], withTime);
    expect(descope.calls[2]).toEqual([expect.objectContaining({ op: "delete", person: "p1" })]);
  });

  it("keeps a rehired person: the scheduled check finds them active and deletes nothing", async () => {
    const descope = Object.assign(new RecordingProvider("descope"), { deleteAfterDays: 1 });
    const { deps, message } = setup(descope);
    const scheduled: UserChange[] = [];
    const scheduler = {
      schedule: async (change: UserChange) => void scheduled.push(change),
      cancel: async () => {},
    };
    const withTime = { ...deps, scheduler, now: () => Date.UTC(2026, 0, 1) + 20_000 };
    await syncChanges([message(change("p1", 10, { loginId: "ann", active: true }))], withTime);
    await syncChanges([message(change("p1", 20, { active: false }))], withTime);
    await syncChanges([message(change("p1", 30, { active: true }))], withTime);
    await syncChanges([message(scheduled[0])], { ...withTime, now: () => Date.UTC(2026, 0, 9) });
    expect(descope.calls.map((call) => call.map((operation) => operation.op))).toEqual([
      ["create"],
      ["status"],
      ["status"],
    ]);
  });

  it("groups a person's changes into one operation carrying only what changed", async () => {
    const descope = new RecordingProvider("descope");
    const { deps, message } = setup(descope);
    await syncChanges([message(change("p1", 1, { loginId: "ann", title: "Dev" }))], deps);
    await syncChanges(
      [
        message(change("p1", 3, { title: "Lead" })),
        message(change("p1", 2, { title: "Senior" })),
        message(change("p1", 2, { department: "R&D" })),
      ],
      deps,
    );
    expect(descope.calls[1]).toEqual([
      expect.objectContaining({ op: "patch", person: "p1", changes: { title: "Lead", department: "R&D" } }),
    ]);
  });

  it("reports each applied operation's latency per provider, from the person's oldest change in the batch", async () => {
    const descope = new RecordingProvider("descope");
    const zitadel = new RecordingProvider("zitadel");
    zitadel.script = (operation) =>
      operation.person === "p2"
        ? { person: "p2", result: "retry", reason: "503" }
        : { person: operation.person, result: "applied" };
    const { deps, message } = setup(descope, zitadel);
    // change(…, s) happens s seconds after 2026-01-01; the providers answer at 100 s.
    const now = () => Date.UTC(2026, 0, 1) + 100_000;
    const report = await syncChanges(
      [
        message(change("p1", 40, { loginId: "ann", title: "Dev" })),
        message(change("p1", 10, { givenName: "Ann" })),
        message(change("p2", 70, { loginId: "bo" })),
      ],
      { ...deps, now },
    );
    expect(report.latencyMs).toEqual({ descope: [90_000, 30_000], zitadel: [90_000] });
    // A batch that applies nothing reports no latency at all.
    const quiet = await syncChanges([message(change("p1", 40, { title: "Dev" }))], { ...deps, now });
    expect(quiet.latencyMs).toBeUndefined();
  });

  it("hands back exactly the messages of people whose provider asked for a retry", async () => {
    const descope = new RecordingProvider("descope");
    descope.script = (operation) =>
      operation.person === "p2"
        ? { person: "p2", result: "retry", reason: "429", retryAfterSeconds: 3 }
        : { person: operation.person, result: "applied" };
    const { deps, message } = setup(descope);
    const m1 = message(change("p1", 1, { loginId: "a" }));
    const m2 = message(change("p2", 1, { loginId: "b" }));
    const m3 = message(change("p2", 2, { title: "x" }));
    expect((await syncChanges([m1, m2, m3], deps)).retry).toEqual([
      { messageId: m2.messageId, retryAfterSeconds: 3 },
      { messageId: m3.messageId, retryAfterSeconds: 3 },
    ]);
  });

  it("dead-letters rejected, undecodable and unsupported changes with their reasons", async () => {
    const descope = new RecordingProvider("descope");
    descope.script = (operation) => ({
      person: operation.person,
      result: "rejected",
      reason: "E011003 invalid email",
    });
    const { deps, queue, message } = setup(descope);
    const bad = message(change("p1", 1, { loginId: "a", email: "nope" }));
    const notJson = message("{oops");
    const refresh = message({ ...change("p2", 1, {}), kind: "refresh" });
    const report = await syncChanges([bad, notJson, refresh], deps);
    expect(report.retry).toEqual([]);
    expect(queue.deadLetters.map(({ body, reason }) => ({ body, reason }))).toEqual([
      { body: notJson.body, reason: "message body is not JSON" },
      { body: refresh.body, reason: 'source "test" has no record fetcher for refresh changes' },
      { body: bad.body, reason: "descope: E011003 invalid email" },
    ]);
  });

  it("keeps providers independent: one retrying does not repeat calls at the other", async () => {
    const descope = new RecordingProvider("descope");
    const zitadel = new RecordingProvider("zitadel");
    zitadel.script = (operation) => ({ person: operation.person, result: "retry", reason: "503" });
    const { deps, message } = setup(descope, zitadel);
    const hire = message(change("p1", 1, { loginId: "ann" }));
    expect((await syncChanges([hire], deps)).retry).toEqual([{ messageId: hire.messageId }]);
    zitadel.script = (operation) => ({ person: operation.person, result: "applied" });
    expect((await syncChanges([hire], deps)).retry).toEqual([]);
    expect(descope.calls).toHaveLength(1);
    expect(zitadel.calls).toHaveLength(2);
  });

  it("retries operations a provider did not report on, and survives a provider that throws", async () => {
    const descope = new RecordingProvider("descope");
    descope.apply = async () => {
      throw new Error("boom");
    };
    const { deps, message } = setup(descope);
    const hire = message(change("p1", 1, { loginId: "ann" }));
    expect((await syncChanges([hire], deps)).retry).toEqual([{ messageId: hire.messageId }]);
  });

  it.each([
    ["a patch", { department: "Sales" }, { department: "Finance" }],
    ["a deactivation", { active: false }, { active: true }],
  ])(
    "does not trust %s that landed before the invocation died: a change back still reaches the provider",
    async (_, landed, back) => {
      const descope = new RecordingProvider("descope");
      const { deps, store, message } = setup(descope);
      await syncChanges(
        [message(change("p1", 1, { loginId: "ann", department: "Finance", active: true }))],
        deps,
      );
      // The provider applies the change, then the invocation dies before it records the acknowledgement.
      const put = store.put.bind(store);
      const died = new Error("the invocation was killed");
      descope.script = (operation) => {
        store.put = () => Promise.reject(died);
        return { person: operation.person, result: "applied" };
      };
      await expect(syncChanges([message(change("p1", 2, landed))], deps)).rejects.toBe(died);
      store.put = put;
      descope.script = (operation) => ({ person: operation.person, result: "applied" });

      await syncChanges([message(change("p1", 3, back))], deps);

      expect(descope.calls).toHaveLength(3);
      // Checked against what the provider holds (unconfirmed), not diffed against the stale record.
      expect(descope.calls[2]).toEqual([
        expect.objectContaining({ person: "p1", current: expect.objectContaining({ unconfirmed: true }) }),
      ]);
      expect(store.all()[0]?.providers.descope).toMatchObject({
        user: { loginId: "ann", department: "Finance", active: true },
      });
      expect(store.all()[0]?.providers.descope?.unconfirmed).toBeUndefined();
    },
  );
});
