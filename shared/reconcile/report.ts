import { redactLogValue } from "../logging/redact.ts";
import type { AppliedPlan } from "./apply.ts";
import { type PlanRow, type ReconcileAction, type ReconcilePlan, reconcileActions } from "./plan.ts";
import type { ReconcileResult } from "./run.ts";

/** A plan's counts per provider and action: what the summary log line and the metrics carry. */
export function planSummary(plan: ReconcilePlan) {
  return {
    source: plan.source,
    fetchedAt: plan.fetchedAt,
    complete: plan.complete,
    providers: plan.providers.map(({ provider, planned, error, counts, unchanged }) => ({
      provider,
      planned,
      ...(error ? { error } : {}),
      ...counts,
      unchanged,
    })),
    changes: plan.changes.length,
    acknowledgements: plan.acknowledgements.length,
    heldLeavers: plan.held.length,
  };
}

/** The plan as JSON for `--json`: every row; the changes and corrections only counted (they hold attributes). */
export const planAsJson = (result: ReconcileResult) =>
  result.status === "partial"
    ? { status: "partial", source: result.snapshot.source, read: result.snapshot.changes.length }
    : {
        status: result.status,
        ...planSummary(result.plan),
        rows: result.plan.providers.flatMap(({ provider, rows }) =>
          rows.map((row) => ({ provider, ...row })),
        ),
        ...(result.applied ? { applied: result.applied } : {}),
      };

const columns = ["provider", ...reconcileActions, "unchanged"] as const;

/**
 * The preview an operator reads: counts per provider and action, then the first rows with the attributes
 * that differ. LoginIds are redacted as in the logs (e-mail domain, last digits of a phone number).
 */
export function renderPlan(result: ReconcileResult, firstRows = 20): string {
  if (result.status === "partial")
    return `reconcile ${result.snapshot.source}: read ${result.snapshot.changes.length} people before the deadline; the next run resumes`;
  const { plan, applied } = result;
  const lines = [
    `reconcile ${plan.source}: snapshot of ${plan.fetchedAt}, ${plan.complete ? "complete" : "INCOMPLETE (no leavers)"}`,
    "",
    table([
      [...columns],
      ...plan.providers
        .filter((provider) => provider.planned)
        .map((provider) => [
          provider.provider,
          ...reconcileActions.map((action) => String(provider.counts[action])),
          String(provider.unchanged),
        ]),
    ]),
    ...plan.providers
      .filter((provider) => !provider.planned)
      .map((provider) => `${provider.provider}: not planned, ${provider.error ?? "listing incomplete"}`),
  ];
  const rows = plan.providers.flatMap(({ provider, rows }) => rows.map((row) => ({ provider, row })));
  if (rows.length > 0) {
    lines.push("", `first ${Math.min(firstRows, rows.length)} of ${rows.length} rows:`);
    lines.push(table(rows.slice(0, firstRows).map(({ provider, row }) => rowCells(provider, row))));
  }
  lines.push("", applied ? appliedLine(applied) : "dry run: nothing written, nothing sent");
  return lines.join("\n");
}

function rowCells(provider: string, row: PlanRow): string[] {
  const loginId = row.loginId === undefined ? "" : String(redactLogValue("loginId", row.loginId));
  const detail = row.attributes?.length
    ? row.attributes.join(", ")
    : row.userId && row.action === "orphan"
      ? row.userId
      : "";
  return [provider, row.action satisfies ReconcileAction, row.person ?? "-", loginId, detail];
}

const appliedLine = ({ acknowledged, superseded, enqueued, scheduled, failed }: AppliedPlan) =>
  `applied: ${acknowledged} provider states corrected (${superseded} overtaken by the sync), ${enqueued} changes queued, ${scheduled} leavers held until their leaving date` +
  (failed.length > 0 ? `, ${failed.length} NOT queued (run again)` : "");

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, cell.length);
  return rows
    .map((row) =>
      row
        .map((cell, index) => cell.padEnd(widths[index] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
