import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { redactLogValue } from "../logging/redact.ts";
import type { AuditEntry } from "./audit-entry.ts";
import type { GuardedOperations } from "./guard-leavers.ts";
import type { PlannedOperation } from "./plan.ts";
import type { AuditTrail, DeadLetter, Log, OperationOutcome } from "./ports.ts";

/** Reasons are kept to this many characters: enough to act on, never a whole echoed request. */
const maxReasonLength = 300;

/** One provider's part of a sync batch: each operation with its outcome, and what the guard decided. */
export interface ProviderOutcomes {
  provider: string;
  results: readonly (readonly [PlannedOperation, OperationOutcome])[];
  guarded: Pick<GuardedOperations, "held" | "retry">;
}

export interface BatchOutcomes {
  at: number;
  providers: readonly ProviderOutcomes[];
  /** Persons every provider planned for (merged, not leased elsewhere); those without an operation are in step. */
  planned: Iterable<string>;
  letters: readonly DeadLetter[];
  changeIdsOf(person: string): string[];
}

/**
 * Records a batch's outcomes in the audit trail. Never fails the batch: the changes themselves are applied
 * and recorded already, so a trail that cannot be written is logged, not retried.
 */
export async function recordOutcomes(
  deps: { audit?: AuditTrail; log: Log },
  outcomes: BatchOutcomes,
): Promise<void> {
  if (!deps.audit) return;
  const entries = auditEntries(outcomes);
  if (entries.length === 0) return;
  try {
    await deps.audit.record(entries);
  } catch (error) {
    deps.log.error("could not record the audit trail", { entries: entries.length, error });
  }
}

/** Pure: the entries a batch's outcomes make. */
export function auditEntries(outcomes: BatchOutcomes): AuditEntry[] {
  const at = new Date(outcomes.at).toISOString();
  const entries: AuditEntry[] = [];
  const planned = [...outcomes.planned];
  const byName = [...outcomes.providers].sort((a, b) => a.provider.localeCompare(b.provider));
  for (const { provider, results, guarded } of byName) {
    const accounted = new Set<string>();
    const add = (person: string, entry: Omit<AuditEntry, "at" | "person" | "provider" | "changes">) => {
      accounted.add(person);
      entries.push({ at, person, provider, ...entry, changes: outcomes.changeIdsOf(person) });
    };
    for (const [operation, outcome] of results) {
      const userId =
        outcome.result === "applied" ? (outcome.userId ?? userIdOf(operation)) : userIdOf(operation);
      add(operation.person, {
        outcome: outcome.result === "retry" ? "retried" : outcome.result,
        op: operation.op,
        ...(userId === undefined ? {} : { userId }),
        ...(outcome.result === "applied" ? {} : { reason: shortReason(outcome.reason) }),
      });
    }
    for (const operation of guarded.held) {
      const userId = userIdOf(operation);
      add(operation.person, {
        outcome: "held",
        op: operation.op,
        ...(userId === undefined ? {} : { userId }),
        reason: "held by the deprovisioning guard",
      });
    }
    for (const person of guarded.retry)
      add(person, { outcome: "retried", reason: "deprovisioning guard unavailable" });
    for (const person of planned) if (!accounted.has(person)) add(person, { outcome: "in-step" });
  }
  entries.push(...deadLetterEntries(outcomes.letters, at));
  return entries;
}

/** Dead letters of changes that name a person (a body that is not a change names none, and is left out). */
export function deadLetterEntries(letters: readonly DeadLetter[], at: string): AuditEntry[] {
  const byPerson = new Map<string, { changes: string[]; reasons: Set<string>; provider?: string }>();
  for (const letter of letters) {
    const change = changeOf(letter.body);
    if (!change) continue;
    const entry = byPerson.get(change.person) ?? { changes: [], reasons: new Set<string>() };
    entry.changes.push(change.id);
    entry.reasons.add(letter.reason);
    if (letter.provider) entry.provider = letter.provider;
    byPerson.set(change.person, entry);
  }
  return [...byPerson].map(([person, { changes, reasons, provider }]) => ({
    at,
    person,
    ...(provider ? { provider } : {}),
    outcome: "dead-lettered" as const,
    changes,
    reason: shortReason([...reasons].join("; ")),
  }));
}

const changeOf = (body: string) => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = z.object({ id: z.string(), person: z.string() }).safeParse(json);
  return parsed.success ? parsed.data : undefined;
};

const userIdOf = (operation: PlannedOperation) =>
  "current" in operation ? operation.current.userId : undefined;

function shortReason(reason: string): string {
  const redacted = String(redactLogValue("reason", reason));
  return redacted.length > maxReasonLength ? `${redacted.slice(0, maxReasonLength - 1)}…` : redacted;
}
