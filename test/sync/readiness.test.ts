import { describe, expect, it } from "vitest";
import type { UserChange } from "../../shared/model/change.ts";
import type { CanonicalUser } from "../../shared/model/user.ts";
import { syncChanges } from "../../shared/sync/sync-changes.ts";
import { change } from "./fixtures.ts";
import { RecordingProvider, setup } from "./recording-provider.ts";

/** A provider that, like ZITADEL, cannot create a user without an e-mail. */
const needsEmail = () =>
  Object.assign(new RecordingProvider("zitadel"), {
    missingForCreate: (user: CanonicalUser) => (user.email ? undefined : "an e-mail address is required"),
  });

const hour = 3_600_000;

describe("syncChanges: a person not creatable yet", () => {
  it("waits in the desired state, with no call and no dead letter, and is created when the data arrives", async () => {
    const zitadel = needsEmail();
    const descope = new RecordingProvider("descope");
    const { deps, message, queue, store } = setup(zitadel, descope);
    const early = await syncChanges([message(change("p1", 10, { loginId: "ann", givenName: "Ann" }))], deps);
    expect(early).toMatchObject({ retry: [], deadLettered: 0 });
    expect(zitadel.calls).toEqual([]);
    // Another provider that can create the person does so at once.
    expect(descope.calls).toEqual([[expect.objectContaining({ op: "create", person: "p1" })]]);
    expect((await store.get(["p1"])).get("p1")).toMatchObject({ waitingSince: expect.any(Number) });
    expect((await store.get(["p1"])).get("p1")?.providers.zitadel).toBeUndefined();

    await syncChanges([message(change("p1", 20, { email: "ann@example.com" }))], deps);
    expect(zitadel.calls).toEqual([
      [
        expect.objectContaining({
          op: "create",
          user: expect.objectContaining({ loginId: "ann", givenName: "Ann", email: "ann@example.com" }),
        }),
      ],
    ]);
    expect(queue.deadLetters).toEqual([]);
    expect((await store.get(["p1"])).get("p1")?.waitingSince).toBeUndefined();
  });

  it("is dead-lettered with the reason only once the wait has run out, brought back by a scheduled check", async () => {
    const zitadel = needsEmail();
    const { deps, message, queue } = setup(zitadel);
    const scheduled: { change: UserChange; at: Date }[] = [];
    const scheduler = {
      schedule: async (change: UserChange, at: Date) => void scheduled.push({ change, at }),
      cancel: async () => {},
    };
    const start = Date.UTC(2026, 0, 1);
    let now = start;
    const waiting = { ...deps, scheduler, now: () => now, incompleteMaxWaitMs: 2 * hour };
    await syncChanges([message(change("p1", 10, { loginId: "ann" }))], waiting);
    now = start + hour;
    await syncChanges([message(change("p1", 20, { givenName: "Ann" }))], waiting);
    expect(queue.deadLetters).toEqual([]);
    expect(scheduled.map(({ at }) => at.getTime())).toEqual([start + 2 * hour, start + 2 * hour]);
    const check = (scheduled[0] as { change: UserChange }).change;
    expect(check).toMatchObject({ source: "incomplete-check", person: "p1", attributes: {} });

    now = start + 2 * hour;
    const report = await syncChanges([message(check)], waiting);
    expect(report.deadLettered).toBe(1);
    expect(queue.deadLetters).toEqual([
      {
        messageId: expect.any(String),
        body: JSON.stringify(check),
        reason: "zitadel: still not creatable 2 h after it was first seen: an e-mail address is required",
      },
    ]);
    expect(zitadel.calls).toEqual([]);
  });
});

describe("syncChanges: phone numbers", () => {
  it("sends numbers in E.164, reading national ones in the configured region", async () => {
    const descope = new RecordingProvider("descope");
    const { deps, message } = setup(descope);
    await syncChanges([message(change("p1", 10, { loginId: "ann", phone: "030 1234567" }))], {
      ...deps,
      phoneDefaultRegion: "DE",
    });
    expect(descope.calls).toEqual([
      [expect.objectContaining({ op: "create", user: { loginId: "ann", phone: "+49301234567" } })],
    ]);
  });

  it("never sends a number it cannot read: dead-letters that change, still applies a leaver", async () => {
    const descope = new RecordingProvider("descope");
    const { deps, message, queue } = setup(descope);
    const unreadable = message(change("p1", 10, { loginId: "ann", phone: "0791234567" }));
    const report = await syncChanges([unreadable], deps);
    expect(report.deadLettered).toBe(1);
    expect(queue.deadLetters[0]?.reason).toBe(
      'descope: phone "0791234567" is not a valid international phone number (+country…; no phoneDefaultRegion is configured)',
    );
    expect(descope.calls).toEqual([]);

    const { deps: deps2, message: message2, queue: queue2 } = setup(descope);
    await syncChanges([message2(change("p2", 10, { loginId: "bo", phone: "+41791234567" }))], deps2);
    await syncChanges([message2(change("p2", 20, { phone: "12" }))], deps2);
    expect(queue2.deadLetters.map((letter) => letter.reason)).toEqual([
      'descope: phone "12" is not a valid international phone number (+country…; no phoneDefaultRegion is configured): not sent',
    ]);
    // The provider keeps the number it has; the leaver that follows is applied as usual.
    await syncChanges([message2(change("p2", 30, { active: false }))], deps2);
    expect(descope.calls.map((call) => call.map((operation) => operation.op))).toEqual([
      ["create"],
      ["status"],
    ]);
    expect(queue2.deadLetters).toHaveLength(1);
  });
});
