import { describe, expect, it } from "vitest";
import { MemoryAuditTrail } from "../../local/memory-audit-trail.ts";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import type { AuditEntry } from "../../shared/sync/audit-entry.ts";
import { MemoryDeprovisioningHolds } from "../../shared/sync/memory-deprovisioning-holds.ts";
import type { AuditTrail, Log } from "../../shared/sync/ports.ts";
import { type SyncDeps, syncChanges } from "../../shared/sync/sync-changes.ts";
import { change } from "./fixtures.ts";
import { ScriptedProvider } from "./scripted-provider.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const t0 = Date.UTC(2026, 2, 1, 9);

function setup(audit: AuditTrail = new MemoryAuditTrail({ retentionDays: 30, now: () => t0 })) {
  const descope = new ScriptedProvider("descope");
  const zitadel = new ScriptedProvider("zitadel");
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 1000 });
  const deps: SyncDeps = {
    store: new MemoryStateStore(),
    providers: [descope, zitadel],
    deadLetters: queue.deadLetterSink,
    log: silent,
    audit,
    now: () => t0,
    guard: {
      holds: new MemoryDeprovisioningHolds(() => t0),
      settings: { enabled: true, maxShare: 0.1, minPeople: 1, windowSeconds: 3600 },
      now: () => t0,
    },
  };
  let sent = 0;
  const sync = (...changes: object[]) =>
    syncChanges(
      changes.map((body) => {
        sent += 1;
        return { messageId: `m${sent}`, body: JSON.stringify(body) };
      }),
      deps,
    );
  return { descope, zitadel, deps, sync, audit };
}

const at = new Date(t0).toISOString();

describe("the audit trail of syncChanges", () => {
  it("records every provider's outcome with the changes behind it and the provider's user id", async () => {
    const { sync, descope, audit } = setup();
    descope.script = { p2: "retry" };
    await sync(
      change("p1", 1, { loginId: "ann", email: "ann@example.com" }, "upsert", "c1"),
      change("p1", 2, { givenName: "Ann" }, "upsert", "c2"),
      change("p2", 1, { loginId: "bo" }, "upsert", "c3"),
    );

    expect(await audit.forPerson("p1")).toEqual([
      {
        at,
        person: "p1",
        provider: "descope",
        userId: "descope-p1",
        outcome: "applied",
        op: "create",
        changes: ["c1", "c2"],
      },
      {
        at,
        person: "p1",
        provider: "zitadel",
        userId: "zitadel-p1",
        outcome: "applied",
        op: "create",
        changes: ["c1", "c2"],
      },
    ]);
    expect(await audit.forPerson("p2")).toEqual([
      {
        at,
        person: "p2",
        provider: "descope",
        outcome: "retried",
        op: "create",
        changes: ["c3"],
        reason: "descope refused",
      },
      {
        at,
        person: "p2",
        provider: "zitadel",
        userId: "zitadel-p2",
        outcome: "applied",
        op: "create",
        changes: ["c3"],
      },
    ]);
    expect(await audit.personOfChange("c2")).toBe("p1");
  });

  it("records leavers held and persons already in step (a redelivery)", async () => {
    const { sync, audit } = setup();
    await sync(change("p1", 1, { loginId: "ann" }, "upsert", "c1"));
    await sync(change("p1", 1, { loginId: "ann" }, "upsert", "c1"));
    await sync(change("p1", 5, {}, "deactivate", "c9"));

    const entries = (await audit.forPerson("p1")).map(({ at: _at, person: _p, ...rest }) => rest);
    expect(entries).toEqual<Omit<AuditEntry, "at" | "person">[]>([
      { provider: "descope", userId: "descope-p1", outcome: "applied", op: "create", changes: ["c1"] },
      { provider: "zitadel", userId: "zitadel-p1", outcome: "applied", op: "create", changes: ["c1"] },
      { provider: "descope", outcome: "in-step", changes: ["c1"] },
      { provider: "zitadel", outcome: "in-step", changes: ["c1"] },
      // minPeople 1 and one user: the first leaver is over the threshold at descope.
      {
        provider: "descope",
        userId: "descope-p1",
        outcome: "held",
        op: "status",
        changes: ["c9"],
        reason: "held by the deprovisioning guard",
      },
      {
        provider: "zitadel",
        userId: "zitadel-p1",
        outcome: "held",
        op: "status",
        changes: ["c9"],
        reason: "held by the deprovisioning guard",
      },
    ]);
  });

  it("records a rejection and its dead letter", async () => {
    const { sync, zitadel, audit } = setup();
    zitadel.script = { p1: "rejected" };
    await sync(change("p1", 1, { loginId: "ann" }, "upsert", "c1"));

    expect(
      (await audit.forPerson("p1")).map(({ provider, outcome, changes, reason }) => ({
        provider,
        outcome,
        changes,
        reason,
      })),
    ).toEqual([
      { provider: "descope", outcome: "applied", changes: ["c1"], reason: undefined },
      {
        provider: "zitadel",
        outcome: "rejected",
        changes: ["c1"],
        reason: "zitadel refused",
      },
      {
        provider: undefined,
        outcome: "dead-lettered",
        changes: ["c1"],
        reason: "zitadel: zitadel refused",
      },
    ]);
  });

  it("keeps reasons masked as in logs and short", async () => {
    const { sync, descope, audit } = setup();
    descope.apply = async (operations) =>
      operations.map(({ person }) => ({
        person,
        result: "rejected" as const,
        reason: `loginId ann@example.com exists; ${"x".repeat(400)}`,
      }));
    await sync(change("p1", 1, { loginId: "ann" }, "upsert", "c1"));

    const [rejected] = await audit.forPerson("p1");
    expect(rejected?.reason).toMatch(/^loginId \*\*\*@example\.com exists; x+…$/);
    expect(rejected?.reason).toHaveLength(300);
  });

  it("never fails the batch when the trail cannot be written", async () => {
    const failing: AuditTrail = {
      record: async () => {
        throw new Error("table gone");
      },
      forPerson: async () => [],
      personOfChange: async () => undefined,
    };
    const { sync } = setup(failing);
    expect((await sync(change("p1", 1, { loginId: "ann" }))).retry).toEqual([]);
  });
});
