import type { Config, ProviderConfig } from "./schema.ts";

type QueueSettings = Config["queue"];

/** The sync function must outlive a provider request (10 s by default) with room to record the results. */
export const minSyncTimeoutSeconds = 10;
/** Lambda's limit on a function timeout. */
const maxSyncTimeoutSeconds = 900;
/** SQS event source mappings: maximum concurrency lies between 2 and 1000. */
const minConcurrency = 2;
const maxConcurrency = 1000;

/**
 * The sync function's timeout: AWS wants the queue's visibility timeout to be at least six function
 * timeouts, and messages are already in flight while the batching window fills.
 */
export function syncTimeoutSeconds(queue: QueueSettings): number {
  return Math.min(
    maxSyncTimeoutSeconds,
    Math.floor((queue.visibilityTimeoutSeconds - queue.maxBatchingWindowSeconds) / 6),
  );
}

/**
 * The time in an invocation during which provider requests may start: the handler stops starting them in
 * the last tenth of the remaining time (at least 2 s) to record what it did.
 */
export function usableSecondsPerInvocation(timeoutSeconds: number): number {
  return timeoutSeconds - Math.max(2, timeoutSeconds / 10);
}

/** A rate-limited kind of request and what one full batch of changes costs of it. */
interface BatchDemand {
  /** Requests per second the provider allows, for this deployment as a whole. */
  perSecond: number;
  /** Requests one full SQS batch needs (each change a new user, the worst case). */
  requests: number;
}

/**
 * Descope creates and updates users in batches (`maxUsersPerBatch` a call) under per-path limits;
 * ZITADEL takes at least one request per user under one rate for the deployment.
 */
function batchDemands(provider: ProviderConfig, batchSize: number): BatchDemand[] {
  if (provider.type === "zitadel") return [{ perSecond: provider.requestsPerSecond, requests: batchSize }];
  const calls = Math.ceil(batchSize / provider.maxUsersPerBatch);
  return [
    { perSecond: provider.rateLimits.createPerMinute / 60, requests: calls },
    { perSecond: provider.rateLimits.otherPerMinute / 60, requests: calls },
  ];
}

/**
 * Concurrent sync invocations the providers' rate limits can serve. Every invocation paces itself to
 * rate ÷ concurrency, so more invocations add no throughput at a provider, they only thin each one's
 * share; the most that still lets each invocation send one full batch within its usable time is
 *
 *   floor(min over providers and request kinds of rate × usable seconds ÷ requests per batch),
 *
 * kept within SQS's bounds (2..1000). Example, the defaults (batch 500, 29 s timeout, 26.1 s usable):
 * Descope creates at 100/min in calls of 100 users → 1.67 × 26.1 ÷ 5 = 8; ZITADEL at 20/s, one request a
 * user → 20 × 26.1 ÷ 500 = 1 → 2.
 */
export function derivedSyncConcurrency(config: Pick<Config, "providers" | "queue">): number {
  const usable = usableSecondsPerInvocation(syncTimeoutSeconds(config.queue));
  const bounds = config.providers.flatMap((provider) =>
    batchDemands(provider, config.queue.batchSize).map(({ perSecond, requests }) =>
      Math.floor((perSecond * usable) / requests),
    ),
  );
  return Math.min(maxConcurrency, Math.max(minConcurrency, Math.min(...bounds)));
}

/** The configured concurrency, or the one derived from the providers' rate limits. */
export function syncConcurrency(config: Pick<Config, "providers" | "queue">): number {
  return config.queue.maxConcurrency ?? derivedSyncConcurrency(config);
}
