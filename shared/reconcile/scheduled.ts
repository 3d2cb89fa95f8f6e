import type { ReconcileSourceConfig } from "../config/reconcile.ts";
import type { ReconcilePlan } from "./plan.ts";
import type { ResumeScheduler, SnapshotStore } from "./ports.ts";
import { planSummary } from "./report.ts";
import { type ReconcileDeps, type ReconcileResult, runReconcile } from "./run.ts";

export interface ScheduledReconcileDeps extends ReconcileDeps {
  snapshots: SnapshotStore;
  resume: ResumeScheduler;
}

export interface ScheduledRun {
  source: ReconcileSourceConfig;
  /** Epoch ms by which the invocation must be done. */
  deadline: number;
}

/** Time kept back from reading the source for listing the providers, planning and applying. */
const reservedMs = 5 * 60_000;
const resumeAfterMs = 60_000;
/** A snapshot left unfinished for longer is stale: the next run reads the directory afresh. */
const staleAfterMs = 24 * 3_600_000;

/**
 * One scheduled invocation: resumes the source's unfinished snapshot if there is one, reads until well
 * before the deadline and, when it could not finish, keeps the snapshot and has itself invoked again. A
 * finished snapshot is planned and — in `repair` mode — applied; in `report` mode only reported.
 */
export async function runScheduledReconcile(
  deps: ScheduledReconcileDeps,
  run: ScheduledRun,
): Promise<ReconcileResult> {
  const now = deps.now ?? Date.now;
  const { source } = run.source;
  const saved = await deps.snapshots.load(source);
  const resume = saved && now() - Date.parse(saved.fetchedAt) < staleAfterMs ? saved : undefined;
  const result = await runReconcile(deps, {
    source,
    dryRun: run.source.mode === "report",
    readUntil: run.deadline - Math.min(reservedMs, (run.deadline - now()) / 2),
    deadline: run.deadline - 30_000,
    ...(resume ? { resume } : {}),
  });
  if (result.status === "partial" && result.snapshot.changes.length <= (resume?.changes.length ?? 0)) {
    // Not one page further since the last invocation (the source keeps failing): start afresh next time.
    await deps.snapshots.clear(source);
    deps.log.error("reconcile stopped: the directory read made no progress", {
      source,
      failure: result.snapshot.failure,
    });
    return result;
  }
  if (result.status === "partial") {
    await deps.snapshots.save(result.snapshot);
    await deps.resume.resumeAt(source, new Date(now() + resumeAfterMs));
    deps.log.info("reconcile paused: the next invocation resumes the directory read", {
      source,
      read: result.snapshot.changes.length,
    });
    return result;
  }
  if (saved) await deps.snapshots.clear(source);
  deps.log.info("reconcile summary", { mode: run.source.mode, ...planSummary(result.plan) });
  return result;
}

export interface ProviderMetric {
  name: "ReconcileDrift" | "ReconcileRepaired" | "ReconcileOrphans";
  provider: string;
  value: number;
}

/**
 * Per provider: people not as desired (every row but orphans), those sent for repair (in repair mode),
 * and unmanaged users nobody matched.
 */
export function reconcileMetrics(plan: ReconcilePlan, applied: boolean): ProviderMetric[] {
  return plan.providers
    .filter((provider) => provider.planned)
    .flatMap(({ provider, counts }) => {
      const drift = Object.entries(counts)
        .filter(([action]) => action !== "orphan")
        .reduce((sum, [, count]) => sum + count, 0);
      return [
        { name: "ReconcileDrift" as const, provider, value: drift },
        { name: "ReconcileRepaired" as const, provider, value: applied ? drift : 0 },
        { name: "ReconcileOrphans" as const, provider, value: counts.orphan },
      ];
    });
}
