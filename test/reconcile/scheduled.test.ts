import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { reconcileSourceSchema } from "../../shared/config/reconcile.ts";
import type { SnapshotStore } from "../../shared/reconcile/ports.ts";
import { reconcileMetrics, runScheduledReconcile } from "../../shared/reconcile/scheduled.ts";
import { DirectoryReadError, type SourceSnapshot } from "../../shared/sources/directory/reader.ts";
import { capturingQueue, hrChange, listed, pagedReader, recordOf, testComparison } from "./fixtures.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ann = { loginId: "ann@example.com", email: "ann@example.com", givenName: "Ann", familyName: "Lee" };
const bo = { loginId: "bo@example.com", email: "bo@example.com", givenName: "Bo", familyName: "Chen" };
const minute = 60_000;

function setup(mode: "report" | "repair") {
  let clock = Date.parse("2026-03-01T03:00:00Z");
  const saved = new Map<string, SourceSnapshot>();
  const snapshots: SnapshotStore = {
    load: async (source) => saved.get(source),
    save: async (snapshot) => void saved.set(snapshot.source, structuredClone(snapshot)),
    clear: async (source) => void saved.delete(source),
  };
  const resumes: Date[] = [];
  const queue = capturingQueue();
  const { sent } = queue;
  const store = new MemoryStateStore();
  const control = { failing: false };
  const reader = pagedReader("hr", [[hrChange("E1", 0, ann)], [hrChange("E2", 0, bo)]]);
  const deps = {
    // Each page takes four minutes to read: a 15-minute invocation reads two at most before its reserve.
    sources: [
      {
        source: "hr",
        readPage: async (cursor: string | undefined, fetchedAt: string) => {
          clock += 4 * minute;
          if (control.failing) throw new DirectoryReadError("HR API answered 503", { retryable: false });
          return reader.readPage(cursor, fetchedAt);
        },
      },
    ],
    directories: [
      {
        provider: "idp",
        ...testComparison(),
        readPage: async () => ({
          users: [listed("U1", { ...ann, givenName: "Annie" }), listed("U9", { loginId: "x@example.com" })],
        }),
      },
    ],
    store,
    queue,
    log: silent,
    now: () => clock,
    snapshots,
    resume: { resumeAt: async (_source: string, at: Date) => void resumes.push(at) },
  };
  const source = reconcileSourceSchema.parse({ source: "hr", mode });
  const invoke = (budgetMs: number) => runScheduledReconcile(deps, { source, deadline: clock + budgetMs });
  return {
    store,
    sent,
    saved,
    resumes,
    invoke,
    advance: (ms: number) => (clock += ms),
    set failing(value: boolean) {
      control.failing = value;
    },
  };
}

describe("runScheduledReconcile", () => {
  it("stops reading at its reserve, keeps the snapshot, has itself resumed, and plans once the read is done", async () => {
    const run = setup("repair");
    await run.store.put(recordOf("E1", [hrChange("E1", 0, ann)], { idp: { user: ann, userId: "U1" } }));
    const first = await run.invoke(8 * minute);
    expect(first).toMatchObject({ status: "partial", snapshot: { resumeCursor: "1" } });
    expect(run.saved.get("hr")?.changes.map((change) => change.person)).toEqual(["E1"]);
    expect(run.resumes).toHaveLength(1);
    expect(run.sent).toEqual([]);

    run.advance(minute);
    const second = await run.invoke(15 * minute);
    expect(second.status).toBe("planned");
    if (second.status !== "planned") return;
    expect(second.plan.changes.map((change) => change.person)).toEqual(["E1", "E2"]);
    expect(new Set(second.plan.changes.map((change) => change.at))).toEqual(
      new Set([first.status === "partial" ? first.snapshot.fetchedAt : ""]),
    );
    expect(run.saved.size).toBe(0);
    expect(run.sent.map((change) => change.person)).toEqual(["E1", "E2"]);
    expect(reconcileMetrics(second.plan, true)).toEqual([
      { name: "ReconcileDrift", provider: "idp", value: 2 },
      { name: "ReconcileRepaired", provider: "idp", value: 2 },
      { name: "ReconcileOrphans", provider: "idp", value: 1 },
    ]);
  });

  it("gives up a read that makes no progress, rather than resume it forever", async () => {
    const run = setup("repair");
    const first = await run.invoke(8 * minute);
    expect(first.status).toBe("partial");
    run.failing = true;
    const second = await run.invoke(15 * minute);
    expect(second).toMatchObject({ status: "partial", snapshot: { complete: false } });
    expect(run.saved.size).toBe(0);
    expect(run.resumes).toHaveLength(1);
  });

  it("only reports in report mode", async () => {
    const run = setup("report");
    const result = await run.invoke(15 * minute);
    expect(result).toMatchObject({
      status: "planned",
      plan: { providers: [{ counts: { adopt: 1, create: 1 } }] },
    });
    expect(run.sent).toEqual([]);
    expect(run.store.all()).toEqual([]);
    if (result.status === "planned")
      expect(
        reconcileMetrics(result.plan, false).find((metric) => metric.name === "ReconcileRepaired")?.value,
      ).toBe(0);
  });
});
