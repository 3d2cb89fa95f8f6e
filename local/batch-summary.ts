import type { SyncReport } from "../shared/sync/sync-changes.ts";

/**
 * One human line per synced batch for the local runtime's console, where CloudWatch's EMF JSON would be
 * noise: `sync: 12 changes · descope 12 applied · zitadel 11 applied, 1 retry · 0 dead-lettered`.
 */
export function batchSummary(received: number, report: SyncReport): string {
  const providers = Object.entries(report.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, counts]) => {
      const held = report.held?.[provider] ?? 0;
      const parts = [
        `${counts.applied} applied`,
        ...(counts.retry > 0 ? [`${counts.retry} ${counts.retry === 1 ? "retry" : "retries"}`] : []),
        ...(counts.rejected > 0 ? [`${counts.rejected} rejected`] : []),
        ...(held > 0 ? [`${held} held`] : []),
      ];
      return `${provider} ${parts.join(", ")}`;
    });
  const requeued = report.retry.length > 0 ? [`${report.retry.length} back on the queue`] : [];
  return [
    `sync: ${received} ${received === 1 ? "change" : "changes"}`,
    ...providers,
    ...requeued,
    `${report.deadLettered} dead-lettered`,
  ].join(" · ");
}
