import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { LeaverPolicy } from "../config/common.ts";
import type { RoleRules } from "../config/role-rules.ts";
import type { UserChange } from "../model/change.ts";
import type { PhoneRegion } from "../model/phone.ts";
import type { ProfileAttribute } from "../model/user.ts";
import type { HeldLeaver, SourceSnapshot } from "../sources/directory/reader.ts";
import { type MergeableChange, mergeChange } from "../sync/desired-state.ts";
import type { PersonRecord, ProviderState } from "../sync/person-record.ts";
import { planPerson } from "../sync/plan.ts";
import { desiredPersonOf } from "../sync/plan-batch.ts";
import { type PreparedPerson, withoutUnreadablePhone } from "../sync/readiness.ts";
import { newPersonRecord } from "../sync/state-updates.ts";
import { type Comparison, correctedUser, driftedAttributes, observedUser } from "./drift.ts";
import { indexListing, type ListingIndex } from "./listing-index.ts";
import type { ProviderListing } from "./ports.ts";

export const reconcileActions = ["create", "repair", "recreate", "leaver", "adopt", "orphan"] as const;
export type ReconcileAction = (typeof reconcileActions)[number];

/** One person (or, for an orphan, one provider user) and what reconcile does about them. */
export interface PlanRow {
  action: ReconcileAction;
  /** Absent for an orphan: no person of ours. */
  person?: string;
  userId?: string;
  loginId?: string;
  /** repair and adopt: the attributes whose value at the provider differs from the desired one. */
  attributes?: ProfileAttribute[];
}

export interface ProviderPlan {
  provider: string;
  /** False when the provider's listing failed: nothing is planned for it. */
  planned: boolean;
  error?: string;
  counts: Record<ReconcileAction, number>;
  /** People the provider already holds as desired. */
  unchanged: number;
  rows: PlanRow[];
}

/** A correction of what a provider acknowledged, so that the normal plan does the repair (or the link). */
export interface Acknowledgement {
  person: string;
  provider: string;
  /** The state the plan started from: the correction is skipped when the sync worker changed it since. */
  expected: ProviderState | undefined;
  state: ProviderState;
}

/**
 * What reconcile does: corrections of acknowledged state first, then ordinary changes through the queue
 * (the snapshot's own changes, and a `delete` for each leaver), so batching, pacing, retries, the DLQ and
 * the deprovisioning guard apply as to any webhook.
 */
export interface ReconcilePlan {
  source: string;
  fetchedAt: string;
  complete: boolean;
  providers: ProviderPlan[];
  acknowledgements: Acknowledgement[];
  changes: UserChange[];
  /** Leavers whose leaving date is still ahead: their `deactivate` is held until then, as for a webhook. */
  held: HeldLeaver[];
}

export interface ReconcileProvider {
  comparison: Comparison & { leaverPolicy: LeaverPolicy };
  listing: ProviderListing;
}

export interface ReconcileInput {
  snapshot: SourceSnapshot;
  /** Every person the state store holds. */
  records: ReadonlyMap<string, PersonRecord>;
  providers: readonly ReconcileProvider[];
  roleRules?: RoleRules;
  /** The region phone numbers without +country are read in, as the sync reads them (E.164 at providers). */
  phoneDefaultRegion?: PhoneRegion;
  /** False: people absent from the snapshot are never leavers (another source provisions people too). */
  leavers?: boolean;
}

interface Scoped {
  desired: PreparedPerson;
  record: PersonRecord | undefined;
  changes: MergeableChange[];
}

/** Plans a reconcile run. Pure: the same inputs always give the same plan. */
export function reconcilePlan(input: ReconcileInput): ReconcilePlan {
  const scope = scopeOf(input);
  const acknowledgements: Acknowledgement[] = [];
  const touched = new Set<string>();
  const providers = input.providers.map(({ comparison, listing }) => {
    if (!listing.complete) return unplanned(listing);
    const planned = planProvider(listing, comparison, scope, input.records);
    acknowledgements.push(...planned.acknowledgements);
    for (const row of planned.plan.rows) if (row.person !== undefined) touched.add(row.person);
    return planned.plan;
  });
  const changes = [...touched].sort().flatMap((person) => scope.get(person)?.changes ?? []);
  const { source, fetchedAt, complete, held = [] } = input.snapshot;
  return { source, fetchedAt, complete, providers, acknowledgements, changes, held };
}

/**
 * The people a run can act on, each with the changes it would send and the desired person after them:
 * everyone in the snapshot, and — only from a complete snapshot — everyone a provider holds who is absent
 * from it (a leaver, as a `delete` stamped with the fetch time, so a newer webhook still wins).
 */
function scopeOf({
  snapshot,
  records,
  roleRules,
  phoneDefaultRegion,
  leavers = true,
}: ReconcileInput): Map<string, Scoped> {
  const changes = new Map<string, MergeableChange[]>();
  for (const change of snapshot.changes) {
    if (change.kind === "refresh") continue;
    changes.set(change.person, [...(changes.get(change.person) ?? []), change as MergeableChange]);
  }
  if (snapshot.complete && leavers) {
    for (const [person, record] of records) {
      const present = Object.values(record.providers).some((state) => !state.deleted);
      if (!changes.has(person) && present) changes.set(person, [leaverChange(snapshot, person)]);
    }
  }
  const scope = new Map<string, Scoped>();
  for (const [person, personChanges] of changes) {
    const record = records.get(person);
    const base = record ?? newPersonRecord(person);
    const merged = { ...base, desired: personChanges.reduce(mergeChange, base.desired) };
    scope.set(person, {
      desired: desiredPersonOf(merged, {
        ...(roleRules ? { roleRules } : {}),
        ...(phoneDefaultRegion ? { phoneDefaultRegion } : {}),
      }),
      record,
      changes: personChanges,
    });
  }
  return scope;
}

function leaverChange(snapshot: SourceSnapshot, person: string): MergeableChange {
  const digest = createHash("sha256").update(`${snapshot.source}\n${snapshot.fetchedAt}\n${person}`);
  return {
    id: `reconcile-${digest.digest("base64url").slice(0, 32)}`,
    source: snapshot.source,
    person,
    at: snapshot.fetchedAt,
    kind: "delete",
    attributes: {},
  };
}

const emptyCounts = (): Record<ReconcileAction, number> =>
  Object.fromEntries(reconcileActions.map((action) => [action, 0])) as Record<ReconcileAction, number>;

const unplanned = (listing: ProviderListing): ProviderPlan => ({
  provider: listing.provider,
  planned: false,
  error: listing.error ?? "the provider's listing is incomplete",
  counts: emptyCounts(),
  unchanged: 0,
  rows: [],
});

function planProvider(
  listing: ProviderListing,
  comparison: ReconcileProvider["comparison"],
  scope: ReadonlyMap<string, Scoped>,
  records: ReadonlyMap<string, PersonRecord>,
) {
  const index = indexListing(listing, records);
  const plan: ProviderPlan = {
    provider: listing.provider,
    planned: true,
    counts: emptyCounts(),
    unchanged: 0,
    rows: [],
  };
  const acknowledgements: Acknowledgement[] = [];
  const context = { provider: listing.provider, comparison, index, acknowledgements };
  for (const [person, scoped] of [...scope].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const row = planPersonAt(person, scoped, context);
    if (row === undefined) plan.unchanged += 1;
    else plan.rows.push(row);
  }
  for (const user of index.unclaimed())
    plan.rows.push({ action: "orphan", userId: user.userId, ...loginIdOf(user.loginIds) });
  for (const row of plan.rows) plan.counts[row.action] += 1;
  return { plan, acknowledgements };
}

const loginIdOf = (loginIds: readonly string[]) => (loginIds[0] ? { loginId: loginIds[0] } : {});

interface PersonContext {
  provider: string;
  comparison: ReconcileProvider["comparison"];
  index: ListingIndex;
  acknowledgements: Acknowledgement[];
}

function planPersonAt(person: string, { desired: prepared, record }: Scoped, context: PersonContext) {
  const known = record?.providers[context.provider];
  // As the sync plans it: an unreadable phone number leaves the provider's as it is.
  const desired = withoutUnreadablePhone(prepared, known);
  const live = known && !known.deleted ? known : undefined;
  const listed = live ? context.index.managed(person) : undefined;
  const policy = context.comparison.leaverPolicy;
  if (live && listed) {
    const observed = observedUser(desired.user, live.user, listed, context.comparison);
    const drifted = driftedAttributes(desired.user, observed, context.comparison);
    const corrected: ProviderState = {
      user: correctedUser(desired.user, observed, drifted, context.comparison),
      userId: listed.userId,
    };
    if (planPerson(person, desired, corrected, policy).op === "none") return undefined;
    if (!isDeepStrictEqual(live, corrected))
      context.acknowledgements.push({ person, provider: context.provider, expected: live, state: corrected });
    const identity = { person, userId: listed.userId, ...loginIdOf(listed.loginIds) };
    return desired.deleted
      ? { action: "leaver" as const, ...identity }
      : { action: "repair" as const, ...identity, attributes: drifted };
  }
  if (planPerson(person, desired, undefined, policy).op !== "create") return undefined;
  const loginId = desired.user.loginId ? { loginId: desired.user.loginId } : {};
  if (live?.userId !== undefined || (live && !live.unconfirmed)) {
    const state: ProviderState = { user: {}, deleted: true };
    context.acknowledgements.push({ person, provider: context.provider, expected: live, state });
    return { action: "recreate" as const, person, ...loginId };
  }
  const match = context.index.adopt(person, desired.user);
  if (!match) return { action: "create" as const, person, ...loginId };
  const observed = observedUser(desired.user, undefined, match, context.comparison);
  const drifted = driftedAttributes(desired.user, observed, context.comparison);
  const state: ProviderState = {
    user: correctedUser(desired.user, observed, drifted, context.comparison),
    userId: match.userId,
  };
  context.acknowledgements.push({ person, provider: context.provider, expected: known, state });
  return { action: "adopt" as const, person, userId: match.userId, ...loginId, attributes: drifted };
}
