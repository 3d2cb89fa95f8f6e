import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import type { UserChange } from "../../shared/model/change.ts";
import type { ListedUser, ProviderDirectory } from "../../shared/reconcile/ports.ts";
import { runReconcile } from "../../shared/reconcile/run.ts";
import { capturingQueue, hrChange, listed, pagedReader, recordOf, testComparison } from "./fixtures.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ann = { loginId: "ann@example.com", email: "ann@example.com", givenName: "Ann", familyName: "Lee" };
const bo = { loginId: "bo@example.com", email: "bo@example.com", givenName: "Bo", familyName: "Chen" };

function directoryOf(users: ListedUser[], pageSize = 1): ProviderDirectory & { reads: number } {
  const directory = {
    provider: "idp",
    ...testComparison(),
    reads: 0,
    readPage: async (cursor: string | undefined) => {
      directory.reads += 1;
      const start = Number(cursor ?? 0);
      const next = start + pageSize;
      return { users: users.slice(start, next), ...(next < users.length ? { next: String(next) } : {}) };
    },
  };
  return directory;
}

function setup(pages: UserChange[][], failAt?: number) {
  const store = new MemoryStateStore();
  const queue = capturingQueue();
  const { sent } = queue;
  const deps = {
    sources: [pagedReader("hr", pages as never, failAt)],
    directories: [directoryOf([listed("U1", { ...ann, givenName: "Annie" }), listed("U2", bo)])],
    store,
    queue,
    log: silent,
    now: () => Date.parse("2026-03-01T00:00:00Z"),
  };
  return { store, sent, deps };
}

describe("runReconcile", () => {
  it("reads every page, stamps the snapshot with its fetch time and applies the plan", async () => {
    const { store, sent, deps } = setup([[hrChange("E1", 0, ann)], []]);
    await store.put(recordOf("E1", [hrChange("E1", 0, ann)], { idp: { user: ann, userId: "U1" } }));
    await store.put(recordOf("E2", [hrChange("E2", 0, bo)], { idp: { user: bo, userId: "U2" } }));
    const result = await runReconcile(deps, {});
    expect(result.status).toBe("planned");
    if (result.status !== "planned") return;
    expect(result.plan.providers[0]?.counts).toMatchObject({ repair: 1, leaver: 1 });
    expect(result.applied).toEqual({ acknowledged: 1, superseded: 0, enqueued: 2, scheduled: 0, failed: [] });
    expect(sent.map((change) => [change.person, change.kind, change.at])).toEqual([
      ["E1", "upsert", "2026-03-01T00:00:00.000Z"],
      ["E2", "delete", "2026-03-01T00:00:00.000Z"],
    ]);
    expect((await store.get(["E1"])).get("E1")?.providers.idp).toEqual({
      user: { ...ann, givenName: "Annie" },
      userId: "U1",
    });
  });

  it("holds a leaver whose leaving date is ahead until then, and refuses to apply without a scheduler", async () => {
    const { sent, deps } = setup([[hrChange("E1", 0, ann)]]);
    const leaving = { ...hrChange("E1", 0, {}, "deactivate"), id: "held-E1" };
    const [reader] = deps.sources;
    if (!reader) throw new Error("no reader");
    const withHeld = {
      source: "hr",
      readPage: async (cursor: string | undefined, fetchedAt: string) => ({
        ...(await reader.readPage(cursor, fetchedAt)),
        held: [{ change: leaving, at: "2026-03-31T17:00:00.000Z" }],
      }),
    };
    await expect(runReconcile({ ...deps, sources: [withHeld] }, {})).rejects.toThrow("no scheduler");
    expect(sent).toEqual([]);
    const scheduled: [string, string][] = [];
    const scheduler = {
      schedule: async (change: UserChange, at: Date) => void scheduled.push([change.id, at.toISOString()]),
      cancel: async () => {},
    };
    const result = await runReconcile({ ...deps, sources: [withHeld], scheduler }, {});
    expect(result).toMatchObject({ applied: { scheduled: 1 } });
    expect(scheduled).toEqual([["held-E1", "2026-03-31T17:00:00.000Z"]]);
  });

  it("writes and sends nothing on a dry run", async () => {
    const { store, sent, deps } = setup([[hrChange("E1", 0, ann)]]);
    const result = await runReconcile(deps, { dryRun: true });
    expect(result).toMatchObject({
      status: "planned",
      plan: { providers: [{ counts: { adopt: 1, orphan: 1 } }] },
    });
    expect(sent).toEqual([]);
    expect(store.all()).toEqual([]);
  });

  it("makes no leavers when a page of the source fails", async () => {
    const { store, sent, deps } = setup([[hrChange("E1", 0, ann)], [hrChange("E3", 0, bo)]], 1);
    await store.put(recordOf("E2", [hrChange("E2", 0, bo)], { idp: { user: bo, userId: "U2" } }));
    const result = await runReconcile(deps, {});
    expect(result).toMatchObject({ status: "planned", plan: { complete: false } });
    expect(sent.map((change) => change.kind)).toEqual(["upsert"]);
  });

  it("skips a correction the sync worker overtook after the listing", async () => {
    /** The sync worker records an acknowledgement between reconcile's read of the state and its correction. */
    class RacingStore extends MemoryStateStore {
      override async list(options: { limit: number; after?: string }) {
        const page = await super.list(options);
        const [current] = (await this.get(["E1"])).values();
        if (current)
          await this.put({ ...current, providers: { idp: { user: { ...ann, title: "x" }, userId: "U1" } } });
        return page;
      }
    }
    const { deps } = setup([[hrChange("E1", 0, ann)]]);
    const store = new RacingStore();
    await store.put(recordOf("E1", [hrChange("E1", 0, ann)], { idp: { user: ann, userId: "U1" } }));
    const result = await runReconcile({ ...deps, store }, {});
    expect(result).toMatchObject({ applied: { acknowledged: 0, superseded: 1, enqueued: 1 } });
  });

  it("stops at the deadline with the snapshot so far, and resumes from its cursor", async () => {
    const { deps } = setup([[hrChange("E1", 0, ann)], [hrChange("E2", 0, bo)]]);
    let clock = 0;
    const timed = { ...deps, now: () => clock };
    const [reader] = deps.sources;
    if (!reader) throw new Error("no reader");
    const stopping = {
      ...timed,
      sources: [
        {
          source: "hr",
          readPage: async (cursor: string | undefined, fetchedAt: string) => {
            clock += 10;
            return reader.readPage(cursor, fetchedAt);
          },
        },
      ],
    };
    const first = await runReconcile(stopping, { readUntil: 5, dryRun: true });
    expect(first).toMatchObject({ status: "partial", snapshot: { complete: false, resumeCursor: "1" } });
    if (first.status !== "partial") return;
    expect(first.snapshot.changes.map((change) => change.person)).toEqual(["E1"]);
    const second = await runReconcile(stopping, { resume: first.snapshot, dryRun: true });
    expect(second).toMatchObject({
      status: "planned",
      plan: { complete: true, fetchedAt: first.snapshot.fetchedAt },
    });
    if (second.status !== "planned") return;
    expect(second.plan.changes.map((change) => change.person)).toEqual(["E1", "E2"]);
  });
});
