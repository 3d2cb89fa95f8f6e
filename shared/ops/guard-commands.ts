import { deadLetterEntries } from "../sync/audit.ts";
import type { HeldLeaver } from "../sync/deprovisioning-guard.ts";
import type { OperatorDeps } from "./operator-deps.ts";

/** The reason discarded leavers carry into the dead-letter queue. */
export const discardReason = "discarded by operator";
/** How long a release stays good for a leaver that has not come back through the queue yet. */
const approvalMs = 24 * 3600 * 1000;

export type GuardCommandDeps = Pick<OperatorDeps, "holds" | "requeue" | "deadLetters" | "now"> &
  Partial<Pick<OperatorDeps, "audit">>;

/** Which held leavers a decision is about: every one, one provider's, one person's (at one or every provider). */
export interface HeldScope {
  provider?: string;
  person?: string;
}

export interface HeldSummary {
  holding: { provider: string; since: string }[];
  held: (Omit<HeldLeaver, "changes"> & { changes: number })[];
}

/** What the guard holds: the providers holding, and each held leaver (without its change bodies). */
export async function listHeld(holds: OperatorDeps["holds"], scope: HeldScope = {}): Promise<HeldSummary> {
  const { holding, held } = await inScope(holds, scope);
  return {
    holding,
    held: held
      .map((leaver) => ({ ...leaver, changes: leaver.changes.length }))
      .sort((a, b) => a.provider.localeCompare(b.provider) || a.person.localeCompare(b.person)),
  };
}

/**
 * Applies what is held: each leaver is approved, and the changes behind the leavers go back to the change
 * queue, where sync applies them as usual (with retries and dead letters). A provider stops holding (its
 * window starts afresh) once nothing it held is left undecided. Safe to run again: approval and replay are
 * idempotent.
 */
export async function releaseHeld(deps: GuardCommandDeps, scope: HeldScope = {}) {
  const { held } = await inScope(deps.holds, scope);
  const expiresAtMs = now(deps) + approvalMs;
  for (const [name, leavers] of byProvider(held))
    await deps.holds.approve(name, personsOf(leavers), expiresAtMs);
  const providers = await stopHoldingWhenDecided(deps, scope, held);
  await deps.requeue([...new Set(held.flatMap((leaver) => leaver.changes))]);
  return { released: held.length, providers };
}

/**
 * Drops what is held: the changes behind each leaver go to the dead-letter queue with the reason
 * "discarded by operator" (a redrive would replay them), the leavers are forgotten, and a provider with
 * nothing left held stops holding. The desired state still holds what the source sent: correct it at the
 * source.
 */
export async function discardHeld(deps: GuardCommandDeps, scope: HeldScope = {}) {
  const { held } = await inScope(deps.holds, scope);
  const letters = held.flatMap((leaver) =>
    leaver.changes.map((body) => ({ body, reason: discardReason, provider: leaver.provider })),
  );
  await deps.deadLetters.send(letters);
  await deps.audit?.record(deadLetterEntries(letters, new Date(now(deps)).toISOString()));
  for (const [name, leavers] of byProvider(held)) await deps.holds.remove(name, personsOf(leavers));
  const providers = await stopHoldingWhenDecided(deps, scope, held);
  return { discarded: held.length, providers };
}

const now = (deps: GuardCommandDeps) => (deps.now ?? Date.now)();

async function inScope(holds: OperatorDeps["holds"], scope: HeldScope) {
  const { provider, person } = scope;
  const { holding, held } = await holds.list(provider);
  return { holding, held: held.filter((leaver) => (person ?? leaver.person) === leaver.person) };
}

/**
 * The providers that stop holding: the decided leavers' providers (and, without a person, every provider
 * holding in scope), once no undecided leaver is left held there.
 */
async function stopHoldingWhenDecided(
  deps: GuardCommandDeps,
  scope: HeldScope,
  decided: readonly HeldLeaver[],
): Promise<string[]> {
  const { provider, person } = scope;
  const { holding, held } = await deps.holds.list(provider);
  const candidates = new Set(decided.map((leaver) => leaver.provider));
  if (person === undefined) for (const entry of holding) candidates.add(entry.provider);
  const undecided = new Set(held.filter((leaver) => !leaver.approved).map((leaver) => leaver.provider));
  const providers = [...candidates].filter((name) => !undecided.has(name)).sort();
  for (const name of providers) await deps.holds.reset(name);
  return providers;
}

function byProvider(held: readonly HeldLeaver[]): Map<string, HeldLeaver[]> {
  const groups = new Map<string, HeldLeaver[]>();
  for (const leaver of held) groups.set(leaver.provider, [...(groups.get(leaver.provider) ?? []), leaver]);
  return groups;
}

const personsOf = (leavers: readonly HeldLeaver[]) => leavers.map((leaver) => leaver.person);
