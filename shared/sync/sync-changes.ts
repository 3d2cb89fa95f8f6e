import { randomUUID } from "node:crypto";
import { type UserChange, userChangeSchema } from "../model/change.ts";
import type { ChangeScheduler } from "../ports/change-scheduler.ts";
import type { RefreshResolver, RefreshResult } from "../ports/refresh.ts";
import { type ProviderOutcomes, recordOutcomes } from "./audit.ts";
import { scheduleDeletionChecks } from "./delayed-deletion.ts";
import { type MergeableChange, mergeChange } from "./desired-state.ts";
import { type DeprovisioningGuardDeps, guardLeavers } from "./guard-leavers.ts";
import type { PersonRecord, ProviderState } from "./person-record.ts";
import type { PlannedOperation } from "./plan.ts";
import {
  desiredPersonOf,
  maxWaitMs,
  type PlanningDeps,
  planOperations,
  type Refusal,
  withIntents,
} from "./plan-batch.ts";
import type {
  AuditTrail,
  DeadLetter,
  DeadLetterSink,
  Log,
  OperationOutcome,
  Provider,
  StateStore,
} from "./ports.ts";
import { incompleteRecheck } from "./readiness.ts";
import { updateRecords } from "./state-updates.ts";
import { stateAfter } from "./write-ahead.ts";

/** A message as the queue delivered it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
}

export interface SyncDeps extends PlanningDeps {
  store: StateStore;
  deadLetters: DeadLetterSink;
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
  /** Brings persons back later (EventBridge Scheduler): a deletion falling due, a wait running out. */
  scheduler?: ChangeScheduler;
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
  /**
   * Per provider, for each applied operation: ms from the earliest `at` (the time at the source) of the
   * person's changes in this batch to the provider's acknowledgement. Present only when any applied.
   */
  latencyMs?: Record<string, number[]>;
}

interface PersonBatch {
  messages: QueuedMessage[];
  changes: MergeableChange[];
}

/** What one invocation works through and accumulates: the messages by person, dead letters and retries. */
interface SyncRun {
  /** Owner of the leases this invocation takes. */
  readonly invocation: string;
  readonly byPerson: Map<string, PersonBatch>;
  readonly letters: DeadLetter[];
  /** Messages to hand back, with the longest Retry-After any provider asked for. */
  readonly retry: Map<string, number | undefined>;
}

/** What the providers answered, across all of them. */
interface ProviderResults {
  outcomes: SyncReport["outcomes"];
  /** Per person, per provider: the state each provider acknowledged (or may hold, when unconfirmed). */
  acknowledged: Map<string, Map<string, ProviderState>>;
  /** Per person: why providers rejected its operation for good. */
  rejections: Map<string, string[]>;
  held: Record<string, number>;
  latencyMs: Record<string, number[]>;
  /** Each provider's operations with their outcomes and the guard's decisions, for the audit trail. */
  audited: ProviderOutcomes[];
}

/**
 * Applies a batch of queued changes: merge into desired state, plan per provider, apply, record what each
 * provider acknowledged. Every message ends applied, handed back for retry, or dead-lettered with a reason.
 */
export async function syncChanges(messages: readonly QueuedMessage[], deps: SyncDeps): Promise<SyncReport> {
  const run = await receive(messages, deps);
  const records = await mergeAndLease(run, deps);
  const results = await applyToProviders(records, run, deps);
  await recordAcknowledged(records, results.acknowledged, run, deps);
  await scheduleRechecks(records, results.acknowledged, run, deps);
  await deadLetterRejected(results.rejections, run, deps);
  await recordAudit(records, results, run, deps);
  return reportOf(run, results);
}

/** Decodes (and refreshes) every message and groups the changes by person; bad ones become dead letters. */
async function receive(messages: readonly QueuedMessage[], deps: SyncDeps): Promise<SyncRun> {
  const run: SyncRun = { invocation: randomUUID(), byPerson: new Map(), letters: [], retry: new Map() };
  const resolved = await Promise.all(messages.map((message) => resolveMessage(message, deps)));
  messages.forEach((message, index) => {
    const outcome = resolved[index] as RefreshResult;
    if (outcome.result === "retry") run.retry.set(message.messageId, undefined);
    else if (outcome.result === "rejected") run.letters.push({ body: message.body, reason: outcome.reason });
    else {
      const batch = run.byPerson.get(outcome.change.person) ?? { messages: [], changes: [] };
      batch.messages.push(message);
      batch.changes.push(outcome.change);
      run.byPerson.set(outcome.change.person, batch);
    }
  });
  return run;
}

/**
 * Merges each person's changes into their record and leases the person to this invocation, writing the
 * intent of every operation about to be sent ahead (see write-ahead.ts). Persons leased to another
 * invocation, or whose record kept conflicting, are merged (or not) but left out: their messages are
 * retried. Answers the records as written, with the provider states from before the intents: what the
 * plans start from.
 */
async function mergeAndLease(run: SyncRun, deps: SyncDeps): Promise<Map<string, PersonRecord>> {
  const busy = new Set<string>();
  const before = new Map<string, PersonRecord["providers"]>();
  const merged = await updateRecords(deps.store, [...run.byPerson.keys()], (record) =>
    mergeAndLeaseOne(record, run, busy, before, deps),
  );
  for (const person of [...merged.conflicted, ...busy]) markRetry(run, person);
  for (const person of busy) merged.written.delete(person);
  return new Map(
    [...merged.written].map(([person, record]) => {
      const providers = before.get(person) ?? record.providers;
      return [person, { ...record, providers }] as const;
    }),
  );
}

/** One attempt at one record (re-run when the write conflicts): `busy` tracks whether another holds it. */
function mergeAndLeaseOne(
  record: PersonRecord,
  run: SyncRun,
  busy: Set<string>,
  before: Map<string, PersonRecord["providers"]>,
  deps: SyncDeps,
): PersonRecord {
  const desired = (run.byPerson.get(record.person)?.changes ?? []).reduce(mergeChange, record.desired);
  if (deps.leaseUntil === undefined) return withIntents({ ...record, desired }, before, deps);
  const { lease } = record;
  const leased = lease !== undefined && lease.owner !== run.invocation && lease.until > now(deps);
  if (leased) {
    busy.add(record.person);
    before.delete(record.person);
    return { ...record, desired };
  }
  busy.delete(record.person);
  const leasedRecord = { ...record, desired, lease: { owner: run.invocation, until: deps.leaseUntil } };
  return withIntents(leasedRecord, before, deps);
}

/** Plans, guards and applies each provider's operations (providers in parallel) and collects the answers. */
async function applyToProviders(
  records: ReadonlyMap<string, PersonRecord>,
  run: SyncRun,
  deps: SyncDeps,
): Promise<ProviderResults> {
  const results: ProviderResults = {
    outcomes: {},
    acknowledged: new Map(),
    rejections: new Map(),
    held: {},
    latencyMs: {},
    audited: [],
  };
  // The desired person is the same for every provider: materialized (and its roles derived) once.
  const desiredByPerson = new Map(
    [...records].map(([person, record]) => [person, desiredPersonOf(record, deps)] as const),
  );
  const bodiesOf = (person: string) =>
    run.byPerson.get(person)?.messages.map((message) => message.body) ?? [];
  await Promise.all(
    deps.providers.map(async (provider) => {
      const changesOf = (person: string) => run.byPerson.get(person)?.changes ?? [];
      const planned = planOperations(provider, records, desiredByPerson, changesOf, deps);
      const guarded = await guardLeavers(provider, planned.send, bodiesOf, deps);
      for (const person of guarded.retry) markRetry(run, person);
      if (guarded.held.length > 0) results.held[provider.name] = guarded.held.length;
      const answered = await applySafely(provider, guarded.apply, deps);
      await guarded.settle(answered);
      results.audited.push({ provider: provider.name, results: answered, guarded });
      collectOutcomes(provider.name, answered, run, results, deps.log);
      collectLatencies(provider.name, answered, run, results, now(deps));
      collectIntents(provider.name, planned.send, answered, results);
      collectRefusals(provider.name, planned.refused, results);
    }),
  );
  return results;
}

/** Records what was refused before sending (a create that can never be made, an unreadable phone). */
function collectRefusals(provider: string, refused: readonly Refusal[], results: ProviderResults) {
  const counts = results.outcomes[provider] as Record<OperationOutcome["result"], number>;
  for (const { person, reason } of refused) {
    counts.rejected += 1;
    results.rejections.set(person, [...(results.rejections.get(person) ?? []), `${provider}: ${reason}`]);
  }
}

/** Each applied operation's latency, from the earliest `at` of the person's changes in this batch. */
function collectLatencies(
  provider: string,
  answered: readonly [PlannedOperation, OperationOutcome][],
  run: SyncRun,
  results: ProviderResults,
  appliedAt: number,
) {
  const latencies = answered.flatMap(([operation, outcome]) => {
    if (outcome.result !== "applied") return [];
    const since = earliestAt(run.byPerson.get(operation.person)?.changes ?? []);
    return since === undefined ? [] : [Math.max(0, appliedAt - since)];
  });
  if (latencies.length > 0) results.latencyMs[provider] = latencies;
}

/** Epoch ms of the oldest change (by its time at the source); undefined for none. */
function earliestAt(changes: readonly MergeableChange[]): number | undefined {
  const times = changes.map((change) => Date.parse(change.at));
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** Counts one provider's outcomes and sorts out retries and rejections. */
function collectOutcomes(
  provider: string,
  answered: readonly [PlannedOperation, OperationOutcome][],
  run: SyncRun,
  results: ProviderResults,
  log: Log,
) {
  const counts = { applied: 0, retry: 0, rejected: 0 };
  results.outcomes[provider] = counts;
  for (const [operation, outcome] of answered) {
    counts[outcome.result] += 1;
    if (outcome.result === "retry") {
      log.warn("provider asked for a retry", { provider, person: operation.person, reason: outcome.reason });
      markRetry(run, operation.person, outcome.retryAfterSeconds);
    } else if (outcome.result === "rejected") {
      const reasons = results.rejections.get(operation.person) ?? [];
      results.rejections.set(operation.person, [...reasons, `${provider}: ${outcome.reason}`]);
    }
  }
}

/**
 * What to record for every operation planned to be sent (see stateAfter): the acknowledgement, an
 * unconfirmed state, or the state before its intent when it was refused or never sent (held, retried).
 */
function collectIntents(
  provider: string,
  planned: readonly PlannedOperation[],
  answered: readonly [PlannedOperation, OperationOutcome][],
  results: ProviderResults,
) {
  const outcomeOf = new Map(answered);
  for (const operation of planned) {
    const state = stateAfter(operation, outcomeOf.get(operation));
    if (state === undefined) continue;
    const acks = results.acknowledged.get(operation.person) ?? new Map<string, ProviderState>();
    acks.set(provider, state);
    results.acknowledged.set(operation.person, acks);
  }
}

/** Records what the providers acknowledged and gives the leases back (a lease taken over since stays). */
async function recordAcknowledged(
  records: ReadonlyMap<string, PersonRecord>,
  acknowledged: ProviderResults["acknowledged"],
  run: SyncRun,
  deps: SyncDeps,
) {
  const leased = deps.leaseUntil === undefined ? [] : [...records.keys()];
  const persons = [...new Set([...acknowledged.keys(), ...leased])];
  const recorded = await updateRecords(deps.store, persons, ({ lease, ...record }) => ({
    ...record,
    ...(lease && lease.owner !== run.invocation ? { lease } : {}),
    providers: { ...record.providers, ...Object.fromEntries(acknowledged.get(record.person) ?? []) },
  }));
  for (const person of recorded.conflicted) markRetry(run, person);
}

/**
 * Schedules the checks that bring persons back later: deactivated ones when a provider's `deleteAfterDays`
 * falls due, and ones waiting for data when their wait runs out.
 */
async function scheduleRechecks(
  records: ReadonlyMap<string, PersonRecord>,
  acknowledged: ProviderResults["acknowledged"],
  run: SyncRun,
  deps: SyncDeps,
) {
  const unscheduled = await scheduleDeletionChecks(
    deps.providers,
    records,
    acknowledged,
    deps.scheduler,
    now(deps),
  );
  const { scheduler } = deps;
  const rechecks = scheduler
    ? [...records.values()].flatMap((record) => incompleteRecheck(record, maxWaitMs(deps)) ?? [])
    : [];
  const failed = await Promise.all(
    rechecks.map(({ change, at }) =>
      scheduler?.schedule(change, at).then(
        () => undefined,
        () => change.person,
      ),
    ),
  );
  for (const person of new Set([...unscheduled, ...failed.filter((person) => person !== undefined)])) {
    deps.log.error("could not schedule a later check of this person; retrying", { person });
    markRetry(run, person);
  }
}

/** Dead-letters the messages of persons a provider rejected, unless they are retried anyway. */
async function deadLetterRejected(rejections: ProviderResults["rejections"], run: SyncRun, deps: SyncDeps) {
  for (const [person, reasons] of rejections) {
    const batch = run.byPerson.get(person);
    if (!batch || batch.messages.some((message) => run.retry.has(message.messageId))) continue;
    for (const message of batch.messages)
      run.letters.push({ body: message.body, reason: reasons.join("; ") });
  }
  if (run.letters.length > 0) await deps.deadLetters.send(run.letters);
}

/** Keeps every outcome of the batch, with the changes behind it, for operators (never fails the batch). */
async function recordAudit(
  records: ReadonlyMap<string, PersonRecord>,
  results: ProviderResults,
  run: SyncRun,
  deps: SyncDeps,
) {
  await recordOutcomes(deps, {
    at: now(deps),
    providers: results.audited,
    planned: records.keys(),
    letters: run.letters,
    changeIdsOf: (person) => run.byPerson.get(person)?.changes.map((change) => change.id) ?? [],
  });
}

function reportOf(run: SyncRun, { outcomes, held, latencyMs }: ProviderResults): SyncReport {
  const retry = [...run.retry].map(([messageId, retryAfterSeconds]) =>
    retryAfterSeconds === undefined ? { messageId } : { messageId, retryAfterSeconds },
  );
  return {
    retry,
    deadLettered: run.letters.length,
    outcomes,
    ...(Object.keys(held).length > 0 ? { held } : {}),
    ...(Object.keys(latencyMs).length > 0 ? { latencyMs } : {}),
  };
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

const now = (deps: SyncDeps) => (deps.now ?? Date.now)();

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

function markRetry(run: SyncRun, person: string, retryAfterSeconds?: number) {
  for (const message of run.byPerson.get(person)?.messages ?? []) {
    const hints = [run.retry.get(message.messageId), retryAfterSeconds].filter((hint) => hint !== undefined);
    run.retry.set(message.messageId, hints.length > 0 ? Math.max(...hints) : undefined);
  }
}
