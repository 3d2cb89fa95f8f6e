import { describe, expect, it } from "vitest";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { discardHeld, discardReason, listHeld, releaseHeld } from "../../shared/ops/guard-commands.ts";
import { decideLeavers, isLeaver, withoutSecrets } from "../../shared/sync/deprovisioning-guard.ts";
import { MemoryDeprovisioningHolds } from "../../shared/sync/memory-deprovisioning-holds.ts";
import type { PlannedOperation } from "../../shared/sync/plan.ts";
import type { DeprovisioningHolds, Log, Provider } from "../../shared/sync/ports.ts";
import { type QueuedMessage, type SyncDeps, syncChanges } from "../../shared/sync/sync-changes.ts";
import { change } from "./fixtures.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const settings = { enabled: true, maxShare: 0.1, minPeople: 20, windowSeconds: 3600 };
const t0 = Date.UTC(2026, 1, 1);
const minute = 60_000;

class RecordingProvider implements Provider {
  readonly name = "descope";
  readonly leaverPolicy = "deactivate" as const;
  readonly applied: PlannedOperation[] = [];
  async apply(operations: readonly PlannedOperation[]) {
    this.applied.push(...operations);
    return operations.map((operation) => ({ person: operation.person, result: "applied" as const }));
  }
  /** The persons whose deactivation this provider was asked to apply. */
  deactivated(): string[] {
    return this.applied
      .filter((operation) => operation.op === "status" && !operation.active)
      .map((operation) => operation.person)
      .sort();
  }
}

const person = (n: number) => `p${String(n).padStart(3, "0")}`;
const people = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => person(from + n));

/** A provider with 100 acknowledged users, and a guard whose clock the test moves. */
async function setup(
  makeHolds = (now: () => number): DeprovisioningHolds => new MemoryDeprovisioningHolds(now),
) {
  let now = t0;
  const holds = makeHolds(() => now);
  const provider = new RecordingProvider();
  const store = new MemoryStateStore();
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 1000 });
  const deps: SyncDeps = {
    store,
    providers: [provider],
    deadLetters: queue.deadLetterSink,
    log: silent,
    guard: { holds, settings, now: () => now },
  };
  let sent = 0;
  const messages = (bodies: readonly string[]): QueuedMessage[] =>
    bodies.map((body) => {
      sent += 1;
      return { messageId: `m${sent}`, body };
    });
  const sync = (bodies: readonly string[]) => syncChanges(messages(bodies), deps);
  const leavers = (persons: readonly string[]) =>
    sync(persons.map((p) => JSON.stringify(change(p, 100, {}, "deactivate"))));
  await sync(people(0, 100).map((p) => JSON.stringify(change(p, 1, { loginId: `${p}@example.com` }))));
  expect(await store.countUsers("descope")).toBe(100);
  provider.applied.length = 0;
  const requeued: string[] = [];
  const commands = {
    holds,
    requeue: async (bodies: readonly string[]) => {
      requeued.push(...bodies);
    },
    deadLetters: queue.deadLetterSink,
    now: () => now,
  };
  return {
    provider,
    store,
    queue,
    holds,
    sync,
    leavers,
    commands,
    requeued,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("deprovisioning guard decision", () => {
  const decide = (inWindow: number, users: number, holdingSince?: string) =>
    decideLeavers({ window: holdingSince ? { inWindow, holdingSince } : { inWindow }, users, settings });

  it("holds more than 10% of the users, and only when they are at least 20", () => {
    expect(decide(20, 100).hold).toBe(true);
    expect(decide(19, 100).hold).toBe(false);
    expect(decide(19, 20).hold).toBe(false);
    expect(decide(30, 300).hold).toBe(false);
    expect(decide(31, 300)).toEqual({ hold: true, reason: "threshold", leavers: 31, users: 300, limit: 30 });
    expect(decide(1, 100, "2026-02-01T00:00:00.000Z")).toMatchObject({ hold: true, reason: "holding" });
  });

  it("counts deactivations, deactivating patches and deletions as leavers, nothing else", () => {
    const current = { user: { loginId: "a" } };
    const leaver = (operation: PlannedOperation) => isLeaver(operation);
    expect(leaver({ op: "status", person: "p", current, active: false })).toBe(true);
    expect(leaver({ op: "status", person: "p", current, active: true })).toBe(false);
    expect(leaver({ op: "patch", person: "p", current, changes: { active: false, title: "x" } })).toBe(true);
    expect(leaver({ op: "patch", person: "p", current, changes: { title: "x" } })).toBe(false);
    expect(leaver({ op: "delete", person: "p", current })).toBe(true);
    expect(leaver({ op: "create", person: "p", user: { loginId: "a" } })).toBe(false);
  });

  it("never keeps a password in what it holds", () => {
    const body = JSON.stringify(
      change("p1", 1, { active: false, password: "pw", hashedPassword: "h" } as never),
    );
    expect(withoutSecrets(body)).not.toMatch(/pw|hashedPassword/);
    expect(JSON.parse(withoutSecrets(body)).attributes).toEqual({ active: false });
    expect(withoutSecrets("not json")).toBe("not json");
  });
});

describe("deprovisioning guard in sync", () => {
  it("holds a mass deactivation (30 of 100) and applies exactly those on release", async () => {
    const { provider, store, holds, leavers, sync, commands, requeued } = await setup();

    const report = await leavers(people(0, 30));

    expect(report).toMatchObject({ retry: [], deadLettered: 0, held: { descope: 30 } });
    expect(provider.applied).toEqual([]);
    const listed = await listHeld(holds);
    expect(listed.holding).toEqual([{ provider: "descope", since: new Date(t0).toISOString() }]);
    expect(listed.held.map((leaver) => [leaver.person, leaver.op, leaver.changes])).toEqual(
      people(0, 30).map((p) => [p, "status", 1]),
    );
    // Held, the change is durable: the desired state has it, the provider's acknowledged state does not.
    expect((await store.get([person(0)])).get(person(0))?.providers.descope?.user.active).toBeUndefined();

    expect(await releaseHeld(commands)).toEqual({ released: 30, providers: ["descope"] });
    expect(requeued).toHaveLength(30);
    const replay = await sync(requeued);

    expect(replay.held).toBeUndefined();
    expect(provider.deactivated()).toEqual(people(0, 30));
    expect(provider.applied).toHaveLength(30);
    expect(await listHeld(holds)).toEqual({ holding: [], held: [] });
    expect((await store.get([person(0)])).get(person(0))?.providers.descope?.user.active).toBe(false);
    // The window started afresh: a trickle after the release applies.
    await leavers(people(30, 33));
    expect(provider.deactivated()).toEqual(people(0, 33));
  });

  it("discards on command: dead-lettered with the reason, never applied", async () => {
    const { provider, queue, holds, leavers, commands } = await setup();
    await leavers(people(0, 25));

    expect(await discardHeld(commands, { provider: "descope" })).toEqual({
      discarded: 25,
      providers: ["descope"],
    });

    expect(provider.applied).toEqual([]);
    expect(queue.deadLetters).toHaveLength(25);
    expect(new Set(queue.deadLetters.map((letter) => letter.reason))).toEqual(new Set([discardReason]));
    expect(queue.deadLetters.map((letter) => JSON.parse(letter.body).person).sort()).toEqual(people(0, 25));
    expect(await listHeld(holds)).toEqual({ holding: [], held: [] });
  });

  it("does not hold a normal trickle (3 of 100)", async () => {
    const { provider, holds, leavers } = await setup();

    const report = await leavers(people(0, 3));

    expect(report.held).toBeUndefined();
    expect(provider.deactivated()).toEqual(people(0, 3));
    expect(await listHeld(holds)).toEqual({ holding: [], held: [] });
  });

  it("counts leavers across invocations within the window, then holds all that follow", async () => {
    const { provider, holds, leavers, advance } = await setup();

    for (let batch = 0; batch < 6; batch += 1) {
      await leavers(people(batch * 4, batch * 4 + 4));
      advance(5 * minute);
    }

    // 16 applied; the fifth batch made 20 in the hour (> 10% of 100 and ≥ 20), so it and the sixth wait.
    expect(provider.deactivated()).toEqual(people(0, 16));
    expect((await listHeld(holds)).held.map((leaver) => leaver.person)).toEqual(people(16, 24));
  });

  it("forgets leavers once they leave the window", async () => {
    const { provider, leavers, advance } = await setup();

    for (let batch = 0; batch < 6; batch += 1) {
      await leavers(people(batch * 4, batch * 4 + 4));
      advance(25 * minute);
    }

    expect(provider.deactivated()).toEqual(people(0, 24));
  });

  it("retries leavers it cannot guard, and applies everything else", async () => {
    const { provider, sync, leavers, holds } = await setup();
    holds.get = async () => {
      throw new Error("table unavailable");
    };

    const report = await leavers(people(0, 2));
    const other = await sync([JSON.stringify(change(person(5), 200, { title: "Lead" }))]);

    expect(report.retry).toHaveLength(2);
    expect(provider.deactivated()).toEqual([]);
    expect(other.retry).toEqual([]);
    expect(provider.applied.map((operation) => [operation.op, operation.person])).toEqual([
      ["patch", person(5)],
    ]);
  });
});
