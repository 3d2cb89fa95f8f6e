import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type BackoffPolicy, retryDelaySeconds } from "../../shared/sync/backoff.ts";
import { syncMetricNames } from "../../shared/sync/metric-names.ts";
import type { MessageVisibility, OperationOutcome } from "../../shared/sync/ports.ts";
import { type SyncDeps, type SyncReport, syncChanges } from "../../shared/sync/sync-changes.ts";

type OperationResult = OperationOutcome["result"];

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
      metrics?.addMetric(syncMetricNames.received, MetricUnit.Count, messages.length);
      const report = await syncChanges(messages, { ...deps, leaseUntil, deadline });
      if (metrics) addReportMetrics(metrics, report);
      onSynced?.(messages.length, report);
      await backOff(event, report.retry, deps, logger);
      const { latencyMs: _perOperation, ...summary } = report;
      logger.info("batch synced", { messages: messages.length, ...summary });
      return { batchItemFailures: report.retry.map(({ messageId }) => ({ itemIdentifier: messageId })) };
    });
}

function addReportMetrics(metrics: Metrics, report: SyncReport) {
  // ChangesReceived, added before the work, goes out first with the service dimension only.
  metrics.publishStoredMetrics();
  for (const provider of Object.keys(report.outcomes)) publishProviderMetrics(metrics, provider, report);
  // Left for logMetrics to publish when the invocation ends, with the service dimension only.
  metrics.addMetric(syncMetricNames.retried, MetricUnit.Count, report.retry.length);
  metrics.addMetric(syncMetricNames.deadLettered, MetricUnit.Count, report.deadLettered);
}

/**
 * Latencies per EMF record: Powertools publishes a metric by itself on its 100th value, and drops the
 * dimensions added since, so each record stays below that and is published here, provider and all.
 */
const latenciesPerRecord = 99;

/**
 * One EMF record per provider (more when it has many latencies), its name a dimension of every metric in
 * it: operations by outcome, leavers the guard held (the stack alarms on it), and each applied operation's
 * latency as one value of a list, so that CloudWatch has percentiles.
 */
function publishProviderMetrics(metrics: Metrics, provider: string, report: SyncReport) {
  const latencies = report.latencyMs?.[provider] ?? [];
  for (let start = 0; start === 0 || start < latencies.length; start += latenciesPerRecord) {
    metrics.addDimension("provider", provider);
    if (start === 0) {
      for (const [result, count] of Object.entries(report.outcomes[provider] ?? {}))
        metrics.addMetric(syncMetricNames.operations(result as OperationResult), MetricUnit.Count, count);
      const held = report.held?.[provider];
      if (held) metrics.addMetric(syncMetricNames.held, MetricUnit.Count, held);
    }
    for (const latency of latencies.slice(start, start + latenciesPerRecord))
      metrics.addMetric(syncMetricNames.latency, MetricUnit.Milliseconds, latency);
    metrics.publishStoredMetrics();
  }
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
