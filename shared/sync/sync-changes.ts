import { randomUUID } from "node:crypto";
import type { RoleRules } from "../config/role-rules.ts";
import { type UserChange, userChangeSchema } from "../model/change.ts";
import type { ImportSecrets } from "../model/user.ts";
import type { ChangeScheduler } from "../ports/change-scheduler.ts";
import type { RefreshResolver, RefreshResult } from "../ports/refresh.ts";
import { type ProviderOutcomes, recordOutcomes } from "./audit.ts";
import { dueDeletion, scheduleDeletionChecks } from "./delayed-deletion.ts";
import { type DesiredPerson, type MergeableChange, materialize, mergeChange } from "./desired-state.ts";
import { type DeprovisioningGuardDeps, guardLeavers } from "./guard-leavers.ts";
import type { PersonRecord, ProviderState } from "./person-record.ts";
import { type PlannedOperation, planPerson } from "./plan.ts";
import type {
  AuditTrail,
  DeadLetter,
  DeadLetterSink,
  Log,
  OperationOutcome,
  Provider,
  StateStore,
} from "./ports.ts";
import { deriveRolesAndTenants } from "./role-rules.ts";
import { updateRecords } from "./state-updates.ts";
import { intentOf, stateAfter } from "./write-ahead.ts";

/** A message as the queue delivered it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
}

export interface SyncDeps {
  store: StateStore;
  providers: readonly Provider[];
  deadLetters: DeadLetterSink;
  log: Log;
  /** Turns a thin "something changed" notification into the person's current record, read from the source. */
  refresh?: RefreshResolver;
  /**
   * When this invocation must be done (epoch ms; Lambda: now + remaining time). Given, each person is
   * leased to the invocation until then while it works on the providers, so two invocations never apply
   * the same person at once (a standard queue delivers one person's changes to several).
   */
  leaseUntil?: number;
  /** Epoch ms after which no provider request may start (the invocation's end, less time to record). */
  deadline?: number;
  /** Roles and tenant roles granted by HR attributes, added to every desired user before planning. */
  roleRules?: RoleRules;
  /** Brings deactivated persons back when a provider's `deleteAfterDays` falls due (EventBridge Scheduler). */
  scheduler?: ChangeScheduler;
  now?: () => number;
  /** Holds mass deactivations and deletions for an operator (see guard-leavers.ts). */
  guard?: DeprovisioningGuardDeps;
  /** Keeps every outcome, with the changes behind it, for operators (`npm run status`). */
  audit?: AuditTrail;
}

export interface RetryRequest {
  messageId: string;
  retryAfterSeconds?: number;
}

export interface SyncReport {
  /** Messages to hand back to the queue, with the provider's Retry-After when it gave one. */
  retry: RetryRequest[];
  deadLettered: number;
  /** Operations per provider and result, for metrics. */
  outcomes: Record<string, Record<OperationOutcome["result"], number>>;
  /** Leavers the deprovisioning guard held, per provider; present only when it held any. */
  held?: Record<string, number>;
}

interface PersonBatch {
  messages: QueuedMessage[];
  changes: MergeableChange[];
}

/**
 * Applies a batch of queued changes: merge into desired state, plan per provider, apply, record what each
 * provider acknowledged. Every message ends applied, handed back for retry, or dead-lettered with a reason.
 */
export async function syncChanges(messages: readonly QueuedMessage[], deps: SyncDeps): Promise<SyncReport> {
  const letters: DeadLetter[] = [];
  const retry = new Map<string, number | undefined>();
  const byPerson = await decodeAndGroup(messages, letters, retry, deps);

  const invocation = randomUUID();
  const busy = new Set<string>();
  const acknowledgedBefore = new Map<string, PersonRecord["providers"]>();
  const withIntents = (record: PersonRecord) => writeIntents(record, acknowledgedBefore, deps);
  const merged = await updateRecords(deps.store, [...byPerson.keys()], (record) => {
    const desired = (byPerson.get(record.person)?.changes ?? []).reduce(mergeChange, record.desired);
    if (deps.leaseUntil === undefined) return withIntents({ ...record, desired });
    const { lease } = record;
    const leased = lease !== undefined && lease.owner !== invocation && lease.until > now(deps);
    if (leased) busy.add(record.person);
    else busy.delete(record.person);
    return leased
      ? { ...record, desired }
      : withIntents({ ...record, desired, lease: { owner: invocation, until: deps.leaseUntil } });
  });
  for (const person of [...merged.conflicted, ...busy]) markRetry(byPerson, person, retry);
  for (const person of busy) merged.written.delete(person);
  // Plans start from what the providers acknowledged, not from the intents just written ahead of them.
  const records = new Map(
    [...merged.written].map(([person, record]) => {
      const providers = acknowledgedBefore.get(person) ?? record.providers;
      return [person, { ...record, providers }] as const;
    }),
  );

  const outcomes: SyncReport["outcomes"] = {};
  const acknowledged = new Map<string, Map<string, ProviderState>>();
  const rejections = new Map<string, string[]>();
  const held: Record<string, number> = {};
  const audited: ProviderOutcomes[] = [];
  // The desired person is the same for every provider: materialized (and its roles derived) once.
  const desiredByPerson = new Map(
    [...records].map(([person, record]) => [person, desiredPersonOf(record, deps)] as const),
  );
  const bodiesOf = (person: string) => byPerson.get(person)?.messages.map((message) => message.body) ?? [];
  await Promise.all(
    deps.providers.map(async (provider) => {
      const planned = planOperations(provider, records, desiredByPerson, byPerson, deps);
      const guarded = await guardLeavers(provider, planned, bodiesOf, deps);
      for (const person of guarded.retry) markRetry(byPerson, person, retry);
      if (guarded.held.length > 0) held[provider.name] = guarded.held.length;
      const results = await applySafely(provider, guarded.apply, deps);
      await guarded.settle(results);
      audited.push({ provider: provider.name, results, guarded });
      const counts = { applied: 0, retry: 0, rejected: 0 };
      outcomes[provider.name] = counts;
      const outcomeOf = new Map(results);
      for (const operation of planned) {
        const state = stateAfter(operation, outcomeOf.get(operation));
        if (state === undefined) continue;
        const acks = acknowledged.get(operation.person) ?? new Map<string, ProviderState>();
        acks.set(provider.name, state);
        acknowledged.set(operation.person, acks);
      }
      for (const [operation, outcome] of results) {
        counts[outcome.result] += 1;
        if (outcome.result === "retry") {
          deps.log.warn("provider asked for a retry", {
            provider: provider.name,
            person: operation.person,
            reason: outcome.reason,
          });
          markRetry(byPerson, operation.person, retry, outcome.retryAfterSeconds);
        } else if (outcome.result === "rejected") {
          rejections.set(operation.person, [
            ...(rejections.get(operation.person) ?? []),
            `${provider.name}: ${outcome.reason}`,
          ]);
        }
      }
    }),
  );

  // Records what the providers acknowledged and gives the leases back (a lease taken over since stays).
  const leased = deps.leaseUntil === undefined ? [] : [...merged.written.keys()];
  const persons = [...new Set([...acknowledged.keys(), ...leased])];
  const recorded = await updateRecords(deps.store, persons, ({ lease, ...record }) => ({
    ...record,
    ...(lease && lease.owner !== invocation ? { lease } : {}),
    providers: { ...record.providers, ...Object.fromEntries(acknowledged.get(record.person) ?? []) },
  }));
  for (const person of recorded.conflicted) markRetry(byPerson, person, retry);
  const unscheduled = await scheduleDeletionChecks(
    deps.providers,
    records,
    acknowledged,
    deps.scheduler,
    now(deps),
  );
  for (const person of unscheduled) {
    deps.log.error("could not schedule the deletion of a deactivated person; retrying", { person });
    markRetry(byPerson, person, retry);
  }

  for (const [person, reasons] of rejections) {
    const batch = byPerson.get(person);
    if (!batch || batch.messages.some((message) => retry.has(message.messageId))) continue;
    for (const message of batch.messages) letters.push({ body: message.body, reason: reasons.join("; ") });
  }
  if (letters.length > 0) await deps.deadLetters.send(letters);
  await recordOutcomes(deps, {
    at: now(deps),
    providers: audited,
    planned: merged.written.keys(),
    letters,
    changeIdsOf: (person) => byPerson.get(person)?.changes.map((change) => change.id) ?? [],
  });
  const retryRequests = [...retry].map(([messageId, retryAfterSeconds]) =>
    retryAfterSeconds === undefined ? { messageId } : { messageId, retryAfterSeconds },
  );
  const report = { retry: retryRequests, deadLettered: letters.length, outcomes };
  return Object.keys(held).length > 0 ? { ...report, held } : report;
}

async function decodeAndGroup(
  messages: readonly QueuedMessage[],
  letters: DeadLetter[],
  retry: Map<string, number | undefined>,
  deps: SyncDeps,
): Promise<Map<string, PersonBatch>> {
  const byPerson = new Map<string, PersonBatch>();
  const resolved = await Promise.all(messages.map((message) => resolveMessage(message, deps)));
  messages.forEach((message, index) => {
    const outcome = resolved[index] as RefreshResult;
    if (outcome.result === "retry") retry.set(message.messageId, undefined);
    else if (outcome.result === "rejected") letters.push({ body: message.body, reason: outcome.reason });
    else {
      const batch = byPerson.get(outcome.change.person) ?? { messages: [], changes: [] };
      batch.messages.push(message);
      batch.changes.push(outcome.change);
      byPerson.set(outcome.change.person, batch);
    }
  });
  return byPerson;
}

async function resolveMessage(message: QueuedMessage, deps: SyncDeps): Promise<RefreshResult> {
  const decoded = decodeChange(message.body);
  if (typeof decoded === "string") return { result: "rejected", reason: decoded };
  if (decoded.kind !== "refresh") return { result: "resolved", change: decoded as MergeableChange };
  if (!deps.refresh) {
    return {
      result: "rejected",
      reason: `source "${decoded.source}" has no record fetcher for refresh changes`,
    };
  }
  try {
    return await deps.refresh(decoded);
  } catch (error) {
    deps.log.warn("refresh failed", { source: decoded.source, person: decoded.person, error });
    return { result: "retry", reason: "refresh failed" };
  }
}

function decodeChange(body: string): UserChange | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return "message body is not JSON";
  }
  const parsed = userChangeSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  return `message body is not a valid change: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`;
}

function planOperations(
  provider: Provider,
  records: ReadonlyMap<string, PersonRecord>,
  desiredByPerson: ReadonlyMap<string, DesiredPerson>,
  byPerson: ReadonlyMap<string, PersonBatch>,
  deps: SyncDeps,
): PlannedOperation[] {
  const operations: PlannedOperation[] = [];
  for (const [person, record] of records) {
    const secrets = newestImportSecrets(byPerson.get(person)?.changes ?? []);
    const desired = desiredByPerson.get(person) as DesiredPerson;
    const decision = planPerson(
      person,
      desired,
      record.providers[provider.name],
      provider.leaverPolicy,
      secrets,
    );
    const due = decision.op === "none" ? dueDeletion(provider, record, desired, now(deps)) : undefined;
    if (due) operations.push(due);
    else if (decision.op === "none")
      deps.log.debug("nothing to apply", { provider: provider.name, person, reason: decision.reason });
    else operations.push(decision);
  }
  return operations;
}

/**
 * Writes ahead, with the merge, the intent of every operation about to be sent (see write-ahead.ts), so
 * that a request which takes effect while its answer or the invocation is lost is checked, not trusted.
 * Keeps the states it replaced in `before`: the plans start from those.
 */
function writeIntents(
  record: PersonRecord,
  before: Map<string, PersonRecord["providers"]>,
  deps: SyncDeps,
): PersonRecord {
  let states = record.providers;
  let desired: DesiredPerson | undefined;
  for (const provider of deps.providers) {
    const known = states[provider.name];
    if (known?.unconfirmed) continue;
    desired ??= desiredPersonOf(record, deps);
    const intent = intentOf(planPerson(record.person, desired, known, provider.leaverPolicy));
    if (intent) states = { ...states, [provider.name]: intent };
  }
  before.set(record.person, record.providers);
  return states === record.providers ? record : { ...record, providers: states };
}

const now = (deps: SyncDeps) => (deps.now ?? Date.now)();

/** The person as every provider should hold them: the merged desired state plus the roles rules grant. */
function desiredPersonOf(record: PersonRecord, { roleRules = [] }: SyncDeps): DesiredPerson {
  const desired = materialize(record.desired);
  return roleRules.length === 0
    ? desired
    : { ...desired, user: deriveRolesAndTenants(desired.user, roleRules) };
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

/** Pairs each operation with its outcome; an operation the provider did not report on is retried, never dropped. */
async function applySafely(
  provider: Provider,
  operations: readonly PlannedOperation[],
  { log, deadline }: Pick<SyncDeps, "log" | "deadline">,
): Promise<[PlannedOperation, OperationOutcome][]> {
  if (operations.length === 0) return [];
  let outcomes: OperationOutcome[];
  try {
    outcomes = await provider.apply(operations, deadline === undefined ? {} : { deadline });
  } catch (error) {
    log.error("provider failed unexpectedly", { provider: provider.name, error });
    outcomes = [];
  }
  const byPerson = new Map(outcomes.map((outcome) => [outcome.person, outcome]));
  return operations.map((operation) => [
    operation,
    byPerson.get(operation.person) ?? {
      person: operation.person,
      result: "retry",
      reason: "provider reported no outcome",
    },
  ]);
}

function markRetry(
  byPerson: ReadonlyMap<string, PersonBatch>,
  person: string,
  retry: Map<string, number | undefined>,
  retryAfterSeconds?: number,
) {
  for (const message of byPerson.get(person)?.messages ?? []) {
    const hints = [retry.get(message.messageId), retryAfterSeconds].filter((hint) => hint !== undefined);
    retry.set(message.messageId, hints.length > 0 ? Math.max(...hints) : undefined);
  }
}
