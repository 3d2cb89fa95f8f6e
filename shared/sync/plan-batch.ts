import type { RoleRules } from "../config/role-rules.ts";
import type { PhoneRegion } from "../model/phone.ts";
import type { ImportSecrets } from "../model/user.ts";
import { dueDeletion } from "./delayed-deletion.ts";
import { type MergeableChange, materialize } from "./desired-state.ts";
import type { PersonRecord } from "./person-record.ts";
import { type PlannedOperation, planPerson } from "./plan.ts";
import type { Log, Provider } from "./ports.ts";
import {
  type PreparedPerson,
  preparePhone,
  type ReadinessContext,
  readiness,
  withoutUnreadablePhone,
} from "./readiness.ts";
import { deriveRolesAndTenants } from "./role-rules.ts";
import { intentOf } from "./write-ahead.ts";

/** What planning a batch needs: the providers, and the settings that shape the desired person. */
export interface PlanningDeps {
  providers: readonly Provider[];
  log: Log;
  /** Roles and tenant roles granted by HR attributes, added to every desired user before planning. */
  roleRules?: RoleRules;
  /** The region phone numbers written without +country are read in (E.164 is what providers get). */
  phoneDefaultRegion?: PhoneRegion;
  /** How long a person may wait for data a provider needs to create them before being dead-lettered. */
  incompleteMaxWaitMs?: number;
  now?: () => number;
}

/** A day: long enough for an HR system to fill in a new hire's e-mail, short enough to be noticed. */
const defaultIncompleteMaxWaitMs = 86_400_000;

const now = (deps: PlanningDeps) => (deps.now ?? Date.now)();

/** One provider's operations for a batch: those to send, and what was refused before sending. */
export interface ProviderPlan {
  send: PlannedOperation[];
  refused: Refusal[];
}
export type Refusal = { person: string; reason: string };

export function planOperations(
  provider: Provider,
  records: ReadonlyMap<string, PersonRecord>,
  desiredByPerson: ReadonlyMap<string, PreparedPerson>,
  changesOf: (person: string) => readonly MergeableChange[],
  deps: PlanningDeps,
): ProviderPlan {
  const plan: ProviderPlan = { send: [], refused: [] };
  for (const [person, record] of records) {
    const planned = planOne(
      provider,
      record,
      desiredByPerson.get(person) as PreparedPerson,
      changesOf(person),
      deps,
    );
    if (planned.send) plan.send.push(planned.send);
    plan.refused.push(...planned.refused);
  }
  return plan;
}

/** One person's operation at one provider, if one is to be sent now, and what is refused before sending. */
function planOne(
  provider: Provider,
  record: PersonRecord,
  prepared: PreparedPerson,
  changes: readonly MergeableChange[],
  deps: PlanningDeps,
): { send?: PlannedOperation; refused: Refusal[] } {
  const { person } = record;
  const refused: Refusal[] = [];
  const current = record.providers[provider.name];
  const desired = withoutUnreadablePhone(prepared, current);
  const decision = planPerson(person, desired, current, provider.leaverPolicy, newestImportSecrets(changes));
  const due = decision.op === "none" ? dueDeletion(provider, record, desired, now(deps)) : undefined;
  const operation = due ?? (decision.op === "none" ? undefined : decision);
  if (desired !== prepared && setsPhone(changes))
    refused.push({ person, reason: `${prepared.invalidPhone}: not sent` });
  if (!operation) {
    const reason = decision.op === "none" ? decision.reason : "";
    deps.log.debug("nothing to apply", { provider: provider.name, person, reason });
    return { refused };
  }
  const ready = readiness(operation, readinessContext(provider, desired, record, deps));
  if ("send" in ready) return { send: operation, refused };
  if ("reject" in ready) refused.push({ person, reason: ready.reject });
  else
    deps.log.info("waiting for data before creating", {
      provider: provider.name,
      person,
      missing: ready.wait,
    });
  return { refused };
}

const setsPhone = (changes: readonly MergeableChange[]) =>
  changes.some((change) => typeof change.attributes.phone === "string");

const readinessContext = (
  provider: Provider,
  prepared: PreparedPerson,
  record: PersonRecord,
  deps: PlanningDeps,
): ReadinessContext => ({
  provider,
  prepared,
  waitingSince: record.waitingSince,
  now: now(deps),
  maxWaitMs: maxWaitMs(deps),
});

export const maxWaitMs = (deps: PlanningDeps) => deps.incompleteMaxWaitMs ?? defaultIncompleteMaxWaitMs;

/**
 * Writes ahead, with the merge, the intent of every operation about to be sent (see write-ahead.ts): a
 * request can take effect while its answer or the invocation is lost, and the next plan must then check
 * what the provider holds rather than trust the record. Keeps the states it replaced in `before`: plans
 * start from those. An operation that is not sent (it waits for data, or is refused) leaves no intent; a
 * create that waits is noted instead.
 */
export function withIntents(
  record: PersonRecord,
  before: Map<string, PersonRecord["providers"]>,
  deps: PlanningDeps,
): PersonRecord {
  let states = record.providers;
  let prepared: PreparedPerson | undefined;
  let waiting = false;
  for (const provider of deps.providers) {
    const known = states[provider.name];
    if (known?.unconfirmed) continue;
    prepared ??= desiredPersonOf(record, deps);
    const decision = planPerson(record.person, prepared, known, provider.leaverPolicy);
    // Waiting lasts until the data arrives, also once the wait ran out and its changes were dead-lettered.
    if (decision.op === "create" && provider.missingForCreate?.(decision.user) !== undefined) waiting = true;
    const intent = intentOf(planOne(provider, record, prepared, [], silent(deps)).send);
    if (intent) states = { ...states, [provider.name]: intent };
  }
  before.set(record.person, record.providers);
  const { waitingSince, ...rest } = record;
  const since = waiting ? (waitingSince ?? now(deps)) : undefined;
  return { ...rest, providers: states, ...(since === undefined ? {} : { waitingSince: since }) };
}

/** Planning again for the intents logs nothing: the plan proper does. */
const silent = (deps: PlanningDeps): PlanningDeps => ({
  ...deps,
  log: { debug() {}, info() {}, warn() {}, error() {} },
});

/**
 * The person as every provider should hold them: the merged desired state plus the roles rules grant, the
 * phone number in E.164.
 */
export function desiredPersonOf(
  record: PersonRecord,
  { roleRules = [], phoneDefaultRegion }: Pick<PlanningDeps, "roleRules" | "phoneDefaultRegion">,
): PreparedPerson {
  const desired = materialize(record.desired);
  const withRoles =
    roleRules.length === 0 ? desired : { ...desired, user: deriveRolesAndTenants(desired.user, roleRules) };
  return preparePhone(withRoles, phoneDefaultRegion);
}

/** Passwords travel only inside queue messages: taken from the newest change that carries one, never stored. */
function newestImportSecrets(changes: readonly MergeableChange[]): ImportSecrets | undefined {
  let newest: MergeableChange | undefined;
  for (const change of changes) {
    const carries =
      change.attributes.password !== undefined || change.attributes.hashedPassword !== undefined;
    if (carries && (newest === undefined || Date.parse(change.at) >= Date.parse(newest.at))) newest = change;
  }
  if (newest === undefined) return undefined;
  const { password, hashedPassword } = newest.attributes;
  return { ...(password ? { password } : {}), ...(hashedPassword ? { hashedPassword } : {}) };
}
