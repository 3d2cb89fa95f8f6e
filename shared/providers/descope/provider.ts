import type { DescopeProviderConfig } from "../../config/descope.ts";
import type { Fetch } from "../../http/request.ts";
import { type Clock, systemClock } from "../../http/token-bucket.ts";
import type { Log, Provider, SecretReader } from "../../sync/ports.ts";
import { applyOperations } from "./apply-operations.ts";
import { DescopeClient } from "./client.ts";

export interface DescopeProviderDeps {
  secrets: SecretReader;
  log: Log;
  clock?: Clock;
  fetch?: Fetch;
  /** Sync processes that may run at once; each keeps to 1/concurrency of Descope's rate limits. Default 1. */
  concurrency?: number;
}

/** A Descope project as a sync target, through the management API's batch endpoints. */
export function createDescopeProvider(config: DescopeProviderConfig, deps: DescopeProviderDeps): Provider {
  const client = new DescopeClient(config, {
    secrets: deps.secrets,
    log: deps.log,
    clock: deps.clock ?? systemClock,
    concurrency: deps.concurrency ?? 1,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return {
    name: config.name,
    leaverPolicy: config.leaverPolicy,
    apply: (operations) => applyOperations(operations, config, client, deps.log),
  };
}
