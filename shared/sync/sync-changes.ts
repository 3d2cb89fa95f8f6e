import { type UserChange, userChangeSchema } from "../model/change.ts";
import type { RoleRules } from "../config/role-rules.ts";
import type { ImportSecrets } from "../model/user.ts";
import { type DesiredPerson, type MergeableChange, materialize, mergeChange } from "./desired-state.ts";
import type { PersonRecord, ProviderState } from "./person-record.ts";
import { acknowledge, type PlannedOperation, planPerson } from "./plan.ts";
import type { DeadLetter, DeadLetterSink, Log, OperationOutcome, Provider, StateStore } from "./ports.ts";
import { deriveRolesAndTenants } from "./role-rules.ts";
import { updateRecords } from "./state-updates.ts";

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
  /** Roles and tenant roles granted by HR attributes, added to every desired user before planning. */
  roleRules?: RoleRules;
}

export type RefreshResolver = (change: UserChange) => Promise<RefreshResult>;
export type RefreshResult =
  | { result: "resolved"; change: MergeableChange }
  | { result: "retry"; reason: string }
  | { result: "rejected"; reason: string };

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

  const merged = await updateRecords(deps.store, [...byPerson.keys()], (record) => ({
    ...record,
    desired: (byPerson.get(record.person)?.changes ?? []).reduce(mergeChange, record.desired),
  }));
  for (const person of merged.conflicted) markRetry(byPerson, person, retry);

  const outcomes: SyncReport["outcomes"] = {};
  const acknowledged = new Map<string, Map<string, ProviderState>>();
  const rejections = new Map<string, string[]>();
  await Promise.all(
    deps.providers.map(async (provider) => {
      const operations = planOperations(provider, merged.written, byPerson, deps);
      const results = await applySafely(provider, operations, deps.log);
      const counts = { applied: 0, retry: 0, rejected: 0 };
      outcomes[provider.name] = counts;
      for (const [operation, outcome] of results) {
        counts[outcome.result] += 1;
        if (outcome.result === "applied") {
          const acks = acknowledged.get(operation.person) ?? new Map<string, ProviderState>();
          acks.set(provider.name, acknowledge(operation, outcome.userId));
          acknowledged.set(operation.person, acks);
        } else if (outcome.result === "retry") {
          deps.log.warn("provider asked for a retry", {
            provider: provider.name,
            person: operation.person,
            reason: outcome.reason,
          });
          markRetry(byPerson, operation.person, retry, outcome.retryAfterSeconds);
        } else {
          rejections.set(operation.person, [
            ...(rejections.get(operation.person) ?? []),
            `${provider.name}: ${outcome.reason}`,
          ]);
        }
      }
    }),
  );

  const recorded = await updateRecords(deps.store, [...acknowledged.keys()], (record) => ({
    ...record,
    providers: { ...record.providers, ...Object.fromEntries(acknowledged.get(record.person) ?? []) },
  }));
  for (const person of recorded.conflicted) markRetry(byPerson, person, retry);

  for (const [person, reasons] of rejections) {
    const batch = byPerson.get(person);
    if (!batch || batch.messages.some((message) => retry.has(message.messageId))) continue;
    for (const message of batch.messages) letters.push({ body: message.body, reason: reasons.join("; ") });
  }
  if (letters.length > 0) await deps.deadLetters.send(letters);
  const retryRequests = [...retry].map(([messageId, retryAfterSeconds]) =>
    retryAfterSeconds === undefined ? { messageId } : { messageId, retryAfterSeconds },
  );
  return { retry: retryRequests, deadLettered: letters.length, outcomes };
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
  byPerson: ReadonlyMap<string, PersonBatch>,
  { log, roleRules = [] }: SyncDeps,
): PlannedOperation[] {
  const operations: PlannedOperation[] = [];
  for (const [person, record] of records) {
    const secrets = newestImportSecrets(byPerson.get(person)?.changes ?? []);
    const decision = planPerson(
      person,
      withDerivedRoles(materialize(record.desired), roleRules),
      record.providers[provider.name],
      provider.leaverPolicy,
      secrets,
    );
    if (decision.op === "none")
      log.debug("nothing to apply", { provider: provider.name, person, reason: decision.reason });
    else operations.push(decision);
  }
  return operations;
}

function withDerivedRoles(desired: DesiredPerson, rules: RoleRules): DesiredPerson {
  return rules.length === 0 ? desired : { ...desired, user: deriveRolesAndTenants(desired.user, rules) };
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
  log: Log,
): Promise<[PlannedOperation, OperationOutcome][]> {
  if (operations.length === 0) return [];
  let outcomes: OperationOutcome[];
  try {
    outcomes = await provider.apply(operations);
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
