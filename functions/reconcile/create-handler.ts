import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import * as z from "zod/mini";
import "../../shared/model/schema-messages.ts";
import type { Config } from "../../shared/config/schema.ts";
import type { ResumeScheduler } from "../../shared/reconcile/ports.ts";
import {
  reconcileMetrics,
  runScheduledReconcile,
  type ScheduledReconcileDeps,
} from "../../shared/reconcile/scheduled.ts";
import { providerMetric } from "../sync/create-handler.ts";

/** The input of the source's EventBridge schedule (and of a resume schedule). */
const eventSchema = z.object({ source: z.string().check(z.minLength(1)) });

export type ReconcileHandlerDeps = Omit<ScheduledReconcileDeps, "resume"> & {
  /** Resumes a run by invoking this function again: its ARN is known only from the invocation's context. */
  resumeVia(functionArn: string): ResumeScheduler;
};

/** The scheduled reconcile Lambda, given its adapters (handler.ts). */
export function createReconcileHandler(
  config: Config,
  deps: ReconcileHandlerDeps,
  logger: Logger,
  metrics: Metrics,
) {
  return middy<unknown, void>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      const { source } = eventSchema.parse(event);
      const settings = config.reconcile.sources.find((candidate) => candidate.source === source);
      if (!settings) throw new Error(`no reconcile schedule is configured for source "${source}"`);
      const deadline = Date.now() + context.getRemainingTimeInMillis();
      const resume = deps.resumeVia(context.invokedFunctionArn);
      const result = await runScheduledReconcile({ ...deps, resume }, { source: settings, deadline });
      if (result.status !== "planned") return;
      for (const { name, provider, value } of reconcileMetrics(result.plan, result.applied !== undefined))
        providerMetric(metrics, provider, name, value);
    });
}
