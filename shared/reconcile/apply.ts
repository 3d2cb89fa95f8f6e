import { isDeepStrictEqual } from "node:util";
import type { ChangeScheduler } from "../ports/change-scheduler.ts";
import type { ChangeQueue, StateStore } from "../sync/ports.ts";
import { updateRecords } from "../sync/state-updates.ts";
import type { Acknowledgement, ReconcilePlan } from "./plan.ts";

export interface AppliedPlan {
  /** Corrections of acknowledged state written. */
  acknowledged: number;
  /** Corrections skipped: the sync worker changed that provider state after the listing. */
  superseded: number;
  enqueued: number;
  /** Leavers held until their leaving date (scheduled changes). */
  scheduled: number;
  /** Ids of the changes the queue refused (run reconcile again). */
  failed: string[];
}

/**
 * Carries a plan out: writes the corrections of acknowledged state (each only if the provider state is
 * still the one planned from), then sends the changes through the normal queue.
 */
export async function applyPlan(
  plan: ReconcilePlan,
  { store, queue, scheduler }: { store: StateStore; queue: ChangeQueue; scheduler?: ChangeScheduler },
): Promise<AppliedPlan> {
  if (plan.held.length > 0 && !scheduler)
    throw new Error(`${plan.held.length} leavers with a leaving date ahead, and no scheduler to hold them`);
  const byPerson = new Map<string, Acknowledgement[]>();
  for (const acknowledgement of plan.acknowledgements)
    byPerson.set(acknowledgement.person, [...(byPerson.get(acknowledgement.person) ?? []), acknowledgement]);
  // Counted per person and overwritten when a conflict makes updateRecords run the update again.
  const outcome = new Map<string, { acknowledged: number; superseded: number }>();
  const { conflicted } = await updateRecords(store, [...byPerson.keys()], (record) => {
    let providers = record.providers;
    const counts = { acknowledged: 0, superseded: 0 };
    for (const { provider, expected, state } of byPerson.get(record.person) ?? []) {
      if (!isDeepStrictEqual(providers[provider], expected)) counts.superseded += 1;
      else {
        providers = { ...providers, [provider]: state };
        counts.acknowledged += 1;
      }
    }
    outcome.set(record.person, counts);
    return providers === record.providers ? record : { ...record, providers };
  });
  if (conflicted.length > 0)
    throw new Error(`state kept changing for ${conflicted.length} people: run again`);
  const failed = plan.changes.length > 0 ? await queue.send(plan.changes) : [];
  for (const { change, at } of plan.held) await scheduler?.schedule(change, new Date(at));
  const sum = (key: "acknowledged" | "superseded") =>
    [...outcome.values()].reduce((total, counts) => total + counts[key], 0);
  return {
    acknowledged: sum("acknowledged"),
    superseded: sum("superseded"),
    enqueued: plan.changes.length - failed.length,
    scheduled: plan.held.length,
    failed,
  };
}
