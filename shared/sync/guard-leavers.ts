import type { DeprovisioningGuardConfig } from "../config/schema.ts";
import { decideLeavers, isLeaver, type LeaverOperation, withoutSecrets } from "./deprovisioning-guard.ts";
import type { PlannedOperation } from "./plan.ts";
import type { DeprovisioningHolds, Log, OperationOutcome, Provider, StateStore } from "./ports.ts";

export interface DeprovisioningGuardDeps {
  holds: DeprovisioningHolds;
  settings: DeprovisioningGuardConfig;
  now?: () => number;
}

export interface GuardedOperations {
  /** What the provider may apply now: everything but the leavers held. */
  apply: PlannedOperation[];
  /** Leavers kept for an operator (durably, before this resolves). */
  held: LeaverOperation[];
  /** Persons whose leavers could not be guarded (store unavailable): retried, never applied unguarded. */
  retry: string[];
  /** After applying: forgets what was held for persons whose leaver the provider has now applied or rejected. */
  settle(results: readonly [PlannedOperation, OperationOutcome][]): Promise<void>;
}

export interface GuardContext {
  guard?: DeprovisioningGuardDeps;
  store: StateStore;
  log: Log;
}

const unguarded = (apply: PlannedOperation[]): GuardedOperations => ({
  apply,
  held: [],
  retry: [],
  settle: async () => {},
});

/**
 * The deprovisioning guard between planning and applying, for one provider: counts the leavers in the
 * provider's window and holds them (see decideLeavers) instead of applying them; leavers an operator
 * released pass without counting. `bodiesOf` gives the queue bodies behind a person's operation.
 */
export async function guardLeavers(
  provider: Provider,
  operations: PlannedOperation[],
  bodiesOf: (person: string) => string[],
  { guard, store, log }: GuardContext,
): Promise<GuardedOperations> {
  const leavers = operations.filter(isLeaver);
  if (!guard?.settings.enabled || leavers.length === 0) return unguarded(operations);
  const others = operations.filter((operation) => !isLeaver(operation));
  try {
    const known = await guard.holds.get(
      provider.name,
      leavers.map((operation) => operation.person),
    );
    const approved = leavers.filter((operation) => known.get(operation.person)?.approved);
    const pending = leavers.filter((operation) => !known.get(operation.person)?.approved);
    const held =
      pending.length > 0 ? await holdIfNeeded(provider.name, pending, bodiesOf, guard, store, log) : [];
    return {
      apply: [...others, ...approved, ...(held.length > 0 ? [] : pending)],
      held,
      retry: [],
      settle: (results) => forgetSettled(provider.name, known, results, guard, log),
    };
  } catch (error) {
    log.error("deprovisioning guard unavailable: leavers are retried", { provider: provider.name, error });
    return { ...unguarded(others), retry: leavers.map((operation) => operation.person) };
  }
}

async function holdIfNeeded(
  provider: string,
  pending: LeaverOperation[],
  bodiesOf: (person: string) => string[],
  { holds, settings, now = Date.now }: DeprovisioningGuardDeps,
  store: StateStore,
  log: Log,
): Promise<LeaverOperation[]> {
  const at = now();
  const persons = pending.map((operation) => operation.person);
  const window = await holds.addLeavers(provider, persons, at, settings.windowSeconds);
  const users = window.holdingSince === undefined ? await store.countUsers(provider) : 0;
  const decision = decideLeavers({ window, users, settings });
  if (!decision.hold) return [];
  const heldAt = new Date(at).toISOString();
  if (decision.reason === "threshold") await holds.startHolding(provider, heldAt);
  await holds.hold(
    pending.map((operation) => ({
      provider,
      person: operation.person,
      op: operation.op,
      heldAt,
      changes: bodiesOf(operation.person).map(withoutSecrets),
    })),
  );
  log.warn("deprovisioning held: leavers wait for an operator to release or discard them", {
    provider,
    held: pending.length,
    ...decision,
  });
  return pending;
}

async function forgetSettled(
  provider: string,
  known: ReadonlyMap<string, unknown>,
  results: readonly [PlannedOperation, OperationOutcome][],
  { holds }: DeprovisioningGuardDeps,
  log: Log,
) {
  const settled = results
    .filter(([operation, outcome]) => known.has(operation.person) && outcome.result !== "retry")
    .map(([operation]) => operation.person);
  if (settled.length === 0) return;
  try {
    await holds.remove(provider, settled);
  } catch (error) {
    // A leftover released leaver expires; an unreleased one stays listed for the operator.
    log.warn("could not forget held leavers that were applied", { provider, error });
  }
}
