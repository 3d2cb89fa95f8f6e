import { redactLogValue } from "../logging/redact.ts";
import type { AppliedPlan } from "./apply.ts";
import { type PlanRow, type ReconcileAction, type ReconcilePlan, reconcileActions } from "./plan.ts";
import type { ReconcileResult } from "./run.ts";

type ProviderSummary = { provider: string; planned: boolean; error?: string; unchanged: number } & Record<
  ReconcileAction,
  number
>;

/** A plan's counts per provider and action: what the summary log line and the metrics carry. */
export function planSummary(plan: ReconcilePlan) {
  return {
    source: plan.source,
    fetchedAt: plan.fetchedAt,
    complete: plan.complete,
    providers: plan.providers.map(
      ({ provider, planned, error, counts, unchanged }): ProviderSummary => ({
        provider,
        planned,
        ...(error ? { error } : {}),
        ...counts,
        unchanged,
      }),
    ),
    changes: plan.changes.length,
    acknowledgements: plan.acknowledgements.length,
    heldLeavers: plan.held.length,
  };
}

/** What a run reports (and `--json` prints): counts and every row; changes and corrections only counted. */
export type ReconcileReport =
  | { status: "partial"; source: string; read: number }
  | (ReturnType<typeof planSummary> & {
      status: "planned";
      rows: (PlanRow & { provider: string })[];
      applied?: AppliedPlan;
    });

export const reconcileReport = (result: ReconcileResult): ReconcileReport =>
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
export function renderReport(report: ReconcileReport, firstRows = 20): string {
  if (report.status === "partial")
    return `reconcile ${report.source}: read ${report.read} people before the deadline; the next run resumes`;
  const planned = report.providers.filter((provider) => provider.planned);
  const lines = [
    `reconcile ${report.source}: snapshot of ${report.fetchedAt}, ${report.complete ? "complete" : "INCOMPLETE (no leavers)"}`,
    "",
    table([
      [...columns],
      ...planned.map((provider) => [
        provider.provider,
        ...reconcileActions.map((action) => String(provider[action])),
        String(provider.unchanged),
      ]),
    ]),
    ...report.providers
      .filter((provider) => !provider.planned)
      .map((provider) => `${provider.provider}: not planned, ${provider.error ?? "listing incomplete"}`),
  ];
  if (report.rows.length > 0) {
    lines.push("", `first ${Math.min(firstRows, report.rows.length)} of ${report.rows.length} rows:`);
    lines.push(table(report.rows.slice(0, firstRows).map(rowCells)));
  }
  lines.push("", report.applied ? appliedLine(report.applied) : "dry run: nothing written, nothing sent");
  return lines.join("\n");
}

function rowCells(row: PlanRow & { provider: string }): string[] {
  const loginId = row.loginId === undefined ? "" : String(redactLogValue("loginId", row.loginId));
  const detail = row.attributes?.length
    ? row.attributes.join(", ")
    : row.userId && row.action === "orphan"
      ? row.userId
      : "";
  return [row.provider, row.action, row.person ?? "-", loginId, detail];
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
