import type { HeldLeaver } from "../sync/deprovisioning-guard.ts";
import type { DeadLetterSink, DeprovisioningHolds } from "../sync/ports.ts";

/** The reason discarded leavers carry into the dead-letter queue. */
export const discardReason = "discarded by operator";
/** How long a release stays good for a leaver that has not come back through the queue yet. */
const approvalMs = 24 * 3600 * 1000;

export interface GuardCommandDeps {
  holds: DeprovisioningHolds;
  /** Sends bodies to the change queue unchanged (SQS in AWS, the memory queue locally). */
  requeue(bodies: readonly string[]): Promise<void>;
  deadLetters: DeadLetterSink;
  now?: () => number;
}

export interface HeldSummary {
  holding: { provider: string; since: string }[];
  held: (Omit<HeldLeaver, "changes"> & { changes: number })[];
}

/** What the guard holds: the providers holding, and each held leaver (without its change bodies). */
export async function listHeld(holds: DeprovisioningHolds, provider?: string): Promise<HeldSummary> {
  const { holding, held } = await holds.list(provider);
  return {
    holding,
    held: held
      .map((leaver) => ({ ...leaver, changes: leaver.changes.length }))
      .sort((a, b) => a.provider.localeCompare(b.provider) || a.person.localeCompare(b.person)),
  };
}

/**
 * Applies what is held: each leaver is approved, the provider stops holding (its window starts afresh),
 * and the changes behind the leavers go back to the change queue, where sync applies them as usual (with
 * retries and dead letters). Safe to run again: approval and replay are idempotent.
 */
export async function releaseHeld(deps: GuardCommandDeps, provider?: string) {
  const { holding, held } = await deps.holds.list(provider);
  const expiresAtMs = (deps.now ?? Date.now)() + approvalMs;
  for (const [name, leavers] of byProvider(held))
    await deps.holds.approve(name, personsOf(leavers), expiresAtMs);
  const providers = decidedProviders(holding, held);
  for (const name of providers) await deps.holds.reset(name);
  await deps.requeue([...new Set(held.flatMap((leaver) => leaver.changes))]);
  return { released: held.length, providers };
}

/**
 * Drops what is held: the changes behind each leaver go to the dead-letter queue with the reason
 * "discarded by operator" (a redrive would replay them), the leavers are forgotten, and the provider stops
 * holding. The desired state still holds what the source sent: correct it at the source.
 */
export async function discardHeld(deps: GuardCommandDeps, provider?: string) {
  const { holding, held } = await deps.holds.list(provider);
  await deps.deadLetters.send(
    held.flatMap((leaver) =>
      leaver.changes.map((body) => ({ body, reason: discardReason, provider: leaver.provider })),
    ),
  );
  for (const [name, leavers] of byProvider(held)) await deps.holds.remove(name, personsOf(leavers));
  const providers = decidedProviders(holding, held);
  for (const name of providers) await deps.holds.reset(name);
  return { discarded: held.length, providers };
}

function byProvider(held: readonly HeldLeaver[]): Map<string, HeldLeaver[]> {
  const groups = new Map<string, HeldLeaver[]>();
  for (const leaver of held) groups.set(leaver.provider, [...(groups.get(leaver.provider) ?? []), leaver]);
  return groups;
}

const personsOf = (leavers: readonly HeldLeaver[]) => leavers.map((leaver) => leaver.person);

const decidedProviders = (holding: readonly { provider: string }[], held: readonly HeldLeaver[]) =>
  [...new Set([...holding.map((entry) => entry.provider), ...held.map((leaver) => leaver.provider)])].sort();
