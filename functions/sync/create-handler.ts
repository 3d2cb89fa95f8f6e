import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type BackoffPolicy, retryDelaySeconds } from "../../shared/sync/backoff.ts";
import type { MessageVisibility } from "../../shared/sync/ports.ts";
import { type SyncDeps, syncChanges } from "../../shared/sync/sync-changes.ts";

export interface SyncHandlerDeps extends SyncDeps {
  visibility: MessageVisibility;
  backoff: BackoffPolicy;
}

/** The sync Lambda, given its adapters: the AWS ones in handler.ts, in-memory ones in the local runtime. */
export function createSyncHandler(deps: SyncHandlerDeps, logger: Logger, metrics: Metrics) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const messages = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
      const report = await syncChanges(messages, deps);
      metrics.addMetric("ChangesReceived", MetricUnit.Count, messages.length);
      metrics.addMetric("ChangesRetried", MetricUnit.Count, report.retry.length);
      metrics.addMetric("ChangesDeadLettered", MetricUnit.Count, report.deadLettered);
      for (const [provider, counts] of Object.entries(report.outcomes)) {
        for (const [result, count] of Object.entries(counts))
          providerMetric(metrics, provider, `Operations_${result}`, count);
      }
      // The guard's alarm metric: leavers held for an operator (the stack alarms on it per provider).
      for (const [provider, count] of Object.entries(report.held ?? {}))
        providerMetric(metrics, provider, heldMetricName, count);
      await backOff(event, report.retry, deps, logger);
      logger.info("batch synced", { messages: messages.length, ...report });
      return { batchItemFailures: report.retry.map(({ messageId }) => ({ itemIdentifier: messageId })) };
    });
}

/** The metric of leavers the deprovisioning guard held, with a `provider` dimension. */
export const heldMetricName = "DeprovisioningHeld";

function providerMetric(metrics: Metrics, provider: string, name: string, count: number) {
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
