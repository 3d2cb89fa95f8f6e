import type { Config } from "../../shared/config/schema.ts";
import type { ChangeScheduler } from "../../shared/ports/change-scheduler.ts";
import { createRefreshResolver } from "../../shared/sources/webhooks/refresh.ts";
import type { DeprovisioningHolds, SecretReader } from "../../shared/sync/ports.ts";
import type { SyncHandlerDeps } from "./create-handler.ts";

/** The adapters that differ between AWS (handler.ts) and the local runtime. */
export type SyncAdapters = Pick<
  SyncHandlerDeps,
  "store" | "providers" | "deadLetters" | "visibility" | "log" | "audit" | "now"
> & {
  holds: DeprovisioningHolds;
  secrets: SecretReader;
  scheduler?: ChangeScheduler;
};

/** Everything else the sync function needs follows from the configuration, the same on AWS and locally. */
export function syncDepsFor(
  config: Config,
  { holds, secrets, scheduler, ...adapters }: SyncAdapters,
): SyncHandlerDeps {
  const held = scheduler ? { scheduler } : {};
  return {
    ...adapters,
    ...held,
    backoff: { baseSeconds: config.queue.retryBaseSeconds, maxSeconds: config.queue.retryMaxSeconds },
    refresh: createRefreshResolver({ config, secrets, log: adapters.log, ...held }),
    roleRules: config.roleRules,
    ...(config.phoneDefaultRegion ? { phoneDefaultRegion: config.phoneDefaultRegion } : {}),
    incompleteMaxWaitMs: config.incompleteMaxWaitHours * 3_600_000,
    guard: { holds, settings: config.deprovisioningGuard },
  };
}
