import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type BackoffPolicy, retryDelaySeconds } from "../../shared/sync/backoff.ts";
import { heldMetricName } from "../../shared/sync/deprovisioning-guard.ts";
import type { MessageVisibility } from "../../shared/sync/ports.ts";
import { type SyncDeps, type SyncReport, syncChanges } from "../../shared/sync/sync-changes.ts";

export interface SyncHandlerDeps extends SyncDeps {
  visibility: MessageVisibility;
  backoff: BackoffPolicy;
  /** How long a person stays leased past the invocation's deadline (default 10 s). */
  leaseGraceMs?: number;
}

/** Where each batch's outcome goes besides the log. */
export interface SyncHandlerReporting {
  /** CloudWatch metrics as EMF lines on stdout (the AWS function). */
  metrics?: Metrics;
  /** Called with each batch's report (the local runtime prints a summary line from it). */
  onSynced?: (received: number, report: SyncReport) => void;
}

/** The sync Lambda, given its adapters: the AWS ones in handler.ts, in-memory ones in the local runtime. */
export function createSyncHandler(deps: SyncHandlerDeps, logger: Logger, reporting: SyncHandlerReporting) {
  const { metrics, onSynced } = reporting;
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metrics ? [logMetrics(metrics)] : [])
    .handler(async (event, context) => {
      const messages = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
      // Persons are leased until the invocation's own deadline (past it, Lambda has ended it), plus time
      // for requests it sent just before to land, so that none lands after the next invocation's.
      const remainingMs = context.getRemainingTimeInMillis();
      const leaseUntil = (deps.now ?? Date.now)() + remainingMs + (deps.leaseGraceMs ?? 10_000);
      // No provider request starts in the last tenth (at least 2 s): what is left is recorded and retried.
      const deadline = Date.now() + remainingMs - Math.max(2_000, remainingMs / 10);
      // Counted before the work, so that an invocation that fails still publishes what it received.
      metrics?.addMetric("ChangesReceived", MetricUnit.Count, messages.length);
      const report = await syncChanges(messages, { ...deps, leaseUntil, deadline });
      if (metrics) addReportMetrics(metrics, report);
      onSynced?.(messages.length, report);
      await backOff(event, report.retry, deps, logger);
      logger.info("batch synced", { messages: messages.length, ...report });
      return { batchItemFailures: report.retry.map(({ messageId }) => ({ itemIdentifier: messageId })) };
    });
}

function addReportMetrics(metrics: Metrics, report: SyncReport) {
  metrics.addMetric("ChangesRetried", MetricUnit.Count, report.retry.length);
  metrics.addMetric("ChangesDeadLettered", MetricUnit.Count, report.deadLettered);
  for (const [provider, counts] of Object.entries(report.outcomes)) {
    for (const [result, count] of Object.entries(counts))
      providerMetric(metrics, provider, `Operations_${result}`, count);
  }
  // The guard's alarm metric: leavers held for an operator (the stack alarms on it per provider).
  for (const [provider, count] of Object.entries(report.held ?? {}))
    providerMetric(metrics, provider, heldMetricName, count);
}

/** One count with the provider as dimension (besides the service). */
export function providerMetric(metrics: Metrics, provider: string, name: string, count: number) {
  const single = metrics.singleMetric();
  single.addDimension("provider", provider);
  single.addMetric(name, MetricUnit.Count, count);
}

/** Spreads retries out: a retried change stays invisible for an exponential, jittered delay. */
async function backOff(
  event: SQSEvent,
  retry: readonly { messageId: string; retryAfterSeconds?: number }[],
  deps: SyncHandlerDeps,
  logger: Logger,
) {
  if (retry.length === 0) return;
  const records = new Map(event.Records.map((record) => [record.messageId, record]));
  const delays = retry.flatMap(({ messageId, retryAfterSeconds }) => {
    const record = records.get(messageId);
    if (!record) return [];
    const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
    const delaySeconds = retryDelaySeconds(deps.backoff, receives, retryAfterSeconds);
    return [{ receiptHandle: record.receiptHandle, delaySeconds }];
  });
  try {
    await deps.visibility.delay(delays);
  } catch (error) {
    // Without the delay the message still comes back, after the queue's visibility timeout.
    logger.warn("could not delay retried messages", { error });
  }
}
