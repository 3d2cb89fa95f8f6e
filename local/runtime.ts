import type { Server } from "node:http";
import { createIngestHandler } from "../functions/ingest/create-handler.ts";
import { createSyncHandler } from "../functions/sync/create-handler.ts";
import { syncDepsFor } from "../functions/sync/sync-deps.ts";
import { type Config, type ConfigInput, parseConfig } from "../shared/config/schema.ts";
import { syncConcurrency } from "../shared/config/sync-capacity.ts";
import type { Clock } from "../shared/http/token-bucket.ts";
import { createLogger } from "../shared/logging/logger.ts";
import { configuredReaders, reconcileDepsFor } from "../shared/ops/reconcile-deps.ts";
import { createProviders } from "../shared/providers/registry.ts";
import { MemoryDeprovisioningHolds } from "../shared/sync/memory-deprovisioning-holds.ts";
import { serveHttpHandler } from "./api-gateway-server.ts";
import { batchSummary } from "./batch-summary.ts";
import { LocalSecrets } from "./local-secrets.ts";
import { MemoryAuditTrail } from "./memory-audit-trail.ts";
import { MemoryChangeScheduler } from "./memory-change-scheduler.ts";
import { MemoryQueue } from "./memory-queue.ts";
import { MemoryReplayGuard } from "./memory-replay-guard.ts";
import { MemoryScimGroupStore } from "./memory-scim-group-store.ts";
import { MemoryStateStore } from "./memory-state-store.ts";
import { localOperatorDeps, withOperatorEndpoint } from "./operator-endpoint.ts";
import { SqsPoller } from "./sqs-poller.ts";

export interface LocalRuntimeOptions {
  host?: string;
  /** Ingest port (0 = any free port). */
  port?: number;
  config: ConfigInput;
  secrets: Record<string, string>;
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  /**
   * Receives a one-line summary of each synced batch (see batch-summary.ts). Default: printed to stdout
   * at log level INFO or DEBUG, dropped otherwise. Locally there are no CloudWatch metrics (EMF JSON).
   */
  onBatchSummary?: (line: string) => void;
  /**
   * The time the pipeline goes by: when requests arrive, when scheduled changes fall due, when a deletion
   * is due and when leases end (default: the system clock). Tests move it forward to cross days. Queue
   * visibility, retries and provider pacing keep to real time.
   */
  clock?: Pick<Clock, "now">;
}

export interface LocalRuntime {
  url: string;
  config: Config;
  queue: MemoryQueue;
  store: MemoryStateStore;
  /** What the deprovisioning guard holds; `npm run guard`'s functions (shared/ops) work on it locally. */
  holds: MemoryDeprovisioningHolds;
  /** Every provider outcome, as `npm run status` shows it. */
  audit: MemoryAuditTrail;
  secrets: LocalSecrets;
  /** Future-dated leavers, held until they take effect (EventBridge Scheduler on AWS). */
  scheduler: MemoryChangeScheduler;
  poller: SqsPoller;
  /** Resolves once nothing is queued or in flight (or rejects after `timeoutMs`). */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline in one process: the real ingest and sync handlers wired to in-memory adapters with
 * SQS and DynamoDB semantics. Providers are whatever the configuration names (simulators or real ones).
 * The ingest port also serves the operator endpoint (`POST /_ops/<command>`, loopback peers only), so
 * `npm run status|guard|redrive -- --local` work on this runtime as they do on AWS.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const config = parseConfig(options.config);
  const logLevel = options.logLevel ?? "INFO";
  const logger = createLogger("idp-sync-local", logLevel);
  const printSummary = options.onBatchSummary ?? defaultBatchSummaryPrinter(logLevel);
  const clock = options.clock ?? { now: Date.now };
  const secrets = new LocalSecrets(options.secrets);
  const store = new MemoryStateStore();
  const holds = new MemoryDeprovisioningHolds();
  const audit = new MemoryAuditTrail({ retentionDays: config.audit.retentionDays });
  const queue = new MemoryQueue({
    maxReceiveCount: config.queue.maxReceiveCount,
    visibilityTimeoutMs: config.queue.visibilityTimeoutSeconds * 1000,
  });
  // One process: every concurrent invocation shares these provider instances and their request budgets,
  // so each keeps to the whole budget (on AWS, each execution environment keeps to its share).
  const providers = createProviders(config.providers, { secrets, log: logger, concurrency: 1 });

  const scheduler = new MemoryChangeScheduler(queue, clock);
  const ingest = createIngestHandler(
    {
      config,
      queue,
      secrets,
      store,
      log: logger,
      scheduler,
      replayGuard: new MemoryReplayGuard(clock),
      scimGroups: new MemoryScimGroupStore(),
    },
    logger,
  );
  const sync = createSyncHandler(
    syncDepsFor(config, {
      store,
      providers,
      deadLetters: queue.deadLetterSink,
      visibility: queue.visibility,
      holds,
      audit,
      secrets,
      log: logger,
      scheduler,
      now: clock.now,
    }),
    logger,
    { onSynced: (received, report) => printSummary(batchSummary(received, report)) },
  );
  const poller = new SqsPoller(queue, sync, {
    batchSize: config.queue.batchSize,
    batchingWindowMs: config.queue.maxBatchingWindowSeconds * 1000,
    maxConcurrency: syncConcurrency(config),
  });
  const operatorDeps = localOperatorDeps({
    store,
    holds,
    audit,
    queue,
    scheduler,
    reconcile: ({ files }) =>
      reconcileDepsFor(config, {
        store,
        queue,
        secrets,
        scheduler,
        log: logger,
        readersFor: configuredReaders,
        ...(files ? { files } : {}),
      }),
  });
  const { server, url } = await serveHttpHandler(withOperatorEndpoint(ingest, operatorDeps), {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 3000,
    clock,
  });
  poller.start();
  scheduler.start();

  return {
    url,
    config,
    queue,
    store,
    holds,
    audit,
    secrets,
    scheduler,
    poller,
    settled: (timeoutMs = 30_000) => waitFor(() => poller.idle, timeoutMs),
    stop: async () => {
      scheduler.stop();
      await poller.stop();
      await closeServer(server);
    },
  };
}

function defaultBatchSummaryPrinter(logLevel: string): (line: string) => void {
  return logLevel === "INFO" || logLevel === "DEBUG" ? (line) => console.log(line) : () => {};
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not settled after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
