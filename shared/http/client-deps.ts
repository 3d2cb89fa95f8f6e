import type { Log, SecretReader } from "../sync/ports.ts";
import type { Fetch } from "./request.ts";
import { type Clock, systemClock } from "./token-bucket.ts";

/** What a provider's HTTP client needs from its surroundings. */
export interface ClientDeps {
  secrets: SecretReader;
  log: Log;
  clock: Clock;
  fetch?: Fetch;
  /** Sync processes that may run at once and share the provider's request budget. */
  concurrency: number;
}

/** What a provider is built with: the clock defaults to the system's, concurrency to 1. */
export type ProviderDepsInput = Omit<ClientDeps, "clock" | "concurrency"> & {
  clock?: Clock;
  concurrency?: number;
};

export function clientDeps(deps: ProviderDepsInput): ClientDeps {
  return {
    secrets: deps.secrets,
    log: deps.log,
    clock: deps.clock ?? systemClock,
    concurrency: deps.concurrency ?? 1,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
}
