import type { LeaverPolicy } from "../config/common.ts";
import type { CanonicalUser, ImportSecrets } from "../model/user.ts";
import type { DesiredPerson } from "./desired-state.ts";
import { applyPatch, diffUsers, type UserPatch } from "./diff.ts";
import type { ProviderState } from "./person-record.ts";

/** One thing to do at one provider for one person. */
export type PlannedOperation =
  | { op: "create"; person: string; user: CanonicalUser; secrets?: ImportSecrets }
  | { op: "patch"; person: string; current: ProviderState; changes: UserPatch }
  | { op: "status"; person: string; current: ProviderState; active: boolean }
  | { op: "delete"; person: string; current: ProviderState };

export type PlanDecision = PlannedOperation | { op: "none"; person: string; reason: string };

/**
 * Decides what a provider must do so that it holds the desired person, given what it acknowledged last.
 * Pure: the same inputs always give the same decision.
 */
export function planPerson(
  person: string,
  desired: DesiredPerson,
  acknowledged: ProviderState | undefined,
  leaverPolicy: LeaverPolicy,
  secrets?: ImportSecrets,
): PlanDecision {
  if (acknowledged === undefined || acknowledged.deleted) return planAbsent(person, desired, secrets);
  if (acknowledged.unconfirmed && !desired.deleted) {
    // Not known to be there or to be as recorded: a create still wanted as it was is sent again ("already
    // exists" adopts it); anything else is a patch the provider checks against what it holds ("not found"
    // creates the user), even when it seems to change nothing.
    const changes = diffUsers(desired.user, acknowledged.user);
    if (acknowledged.userId === undefined && Object.keys(changes).length === 0)
      return { op: "create", person, user: desired.user, ...(secrets ? { secrets } : {}) };
    return { op: "patch", person, current: acknowledged, changes };
  }
  if (desired.deleted) return planLeaver(person, acknowledged, leaverPolicy);

  const changes = diffUsers(desired.user, acknowledged.user);
  const changed = Object.keys(changes);
  if (changed.length === 0) return { op: "none", person, reason: "provider already matches" };
  if (changed.length === 1 && changes.active !== undefined) {
    return { op: "status", person, current: acknowledged, active: changes.active !== false };
  }
  return { op: "patch", person, current: acknowledged, changes };
}

function planAbsent(
  person: string,
  desired: DesiredPerson,
  secrets: ImportSecrets | undefined,
): PlanDecision {
  if (desired.deleted) return { op: "none", person, reason: "deleted at the source before it was created" };
  if (desired.user.active === false) return { op: "none", person, reason: "inactive and never created" };
  if (desired.user.loginId === undefined) {
    return { op: "none", person, reason: "not created yet: no loginId known for this person" };
  }
  return { op: "create", person, user: desired.user, ...(secrets ? { secrets } : {}) };
}

function planLeaver(person: string, acknowledged: ProviderState, policy: LeaverPolicy): PlanDecision {
  if (policy === "delete") return { op: "delete", person, current: acknowledged };
  if (acknowledged.user.active === false) return { op: "none", person, reason: "already deactivated" };
  return { op: "status", person, current: acknowledged, active: false };
}

/** What the provider holds once `operation` succeeded: the next diff starts from here. */
export function acknowledge(operation: PlannedOperation, userId: string | undefined): ProviderState {
  const id = userId ?? (operation.op === "create" ? undefined : operation.current.userId);
  const withId = id === undefined ? {} : { userId: id };
  switch (operation.op) {
    case "create":
      return { user: operation.user, ...withId };
    case "patch":
      return { user: applyPatch(operation.current.user, operation.changes), ...withId };
    case "status":
      return { user: { ...operation.current.user, active: operation.active }, ...withId };
    case "delete":
      return { user: {}, deleted: true, ...withId };
  }
}

/** Splits items into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
