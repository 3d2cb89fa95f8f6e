import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type SyncDeps, syncChanges } from "../../shared/sync/sync-changes.ts";

/** The sync Lambda, given its adapters: the AWS ones in handler.ts, in-memory ones in the local runtime. */
export function createSyncHandler(deps: SyncDeps, logger: Logger, metrics: Metrics) {
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
        for (const [result, count] of Object.entries(counts)) {
          const single = metrics.singleMetric();
          single.addDimension("provider", provider);
          single.addMetric(`Operations_${result}`, MetricUnit.Count, count);
        }
      }
      logger.info("batch synced", { messages: messages.length, ...report });
      return { batchItemFailures: report.retry.map((itemIdentifier) => ({ itemIdentifier })) };
    });
}
