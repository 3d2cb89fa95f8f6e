import type { AuditEntry } from "../sync/audit-entry.ts";
import type { ChangeStatus, PersonStatus, StatusResult } from "./status.ts";

/** The status as an operator reads it. */
export function renderStatus(result: StatusResult): string {
  if (!result.found) return result.message;
  const { person } = result;
  return [
    `Person ${person.person} (found by ${result.via})`,
    ...(result.change ? changeLines(result.change) : []),
    ...personLines(person),
  ].join("\n");
}

function changeLines(change: ChangeStatus): string[] {
  const lines = [`Change ${change.id}:`];
  for (const entry of change.providers) {
    const { outcome, at, reason } = entry.last;
    lines.push(
      entry.applied
        ? `  ${entry.provider}: applied at ${entry.at}`
        : `  ${entry.provider}: not applied; last ${outcome} at ${at}${reason ? ` (${reason})` : ""}`,
    );
  }
  if (change.providers.length === 0) lines.push("  no provider has reported on it");
  if (change.deadLettered)
    lines.push(`  dead-lettered at ${change.deadLettered.at}: ${change.deadLettered.reason ?? ""}`);
  return lines;
}

function personLines(person: PersonStatus): string[] {
  const lines = [
    `Desired${person.desired.deleted ? " (deleted)" : ""}: ${JSON.stringify(person.desired.user)}`,
  ];
  lines.push("Providers:");
  for (const state of person.providers) {
    const confirmed = state.confirmed ? "confirmed" : "unconfirmed (the next sync checks)";
    lines.push(
      `  ${state.provider}: user id ${state.userId ?? "(none yet)"}, ${confirmed}${state.deleted ? ", deleted" : ""}: ${JSON.stringify(state.user)}`,
    );
  }
  if (person.providers.length === 0) lines.push("  none has acknowledged this person yet");
  const scheduled = person.scheduled?.map((slot) => `${slot.kind} from ${slot.source} at ${slot.at}`);
  lines.push(
    scheduled === undefined
      ? "Scheduled changes: not looked up (see docs/operations.md)"
      : `Scheduled changes: ${scheduled.length === 0 ? "none" : scheduled.join("; ")}`,
  );
  const held = person.held.map(
    (leaver) =>
      `${leaver.provider} ${leaver.op} since ${leaver.heldAt}${leaver.approved ? " (released)" : ""}`,
  );
  lines.push(`Held leavers: ${held.length === 0 ? "none" : held.join("; ")}`);
  lines.push(`Dead letters: ${person.deadLetters.length === 0 ? "none" : ""}`.trimEnd());
  for (const letter of person.deadLetters)
    lines.push(`  ${letter.at} ${letter.changes.join(",")}: ${letter.reason ?? ""}`);
  lines.push(`Audit trail (${person.audit.length} entries):`);
  lines.push(...person.audit.map(auditLine));
  return lines;
}

const auditLine = (entry: AuditEntry) =>
  `  ${entry.at} ${entry.provider ?? "idp-sync"} ${entry.outcome}${entry.op ? ` ${entry.op}` : ""}${entry.userId ? ` user ${entry.userId}` : ""} changes ${entry.changes.join(",")}${entry.reason ? `: ${entry.reason}` : ""}`;
