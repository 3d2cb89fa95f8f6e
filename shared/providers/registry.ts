import type { ProviderConfig } from "../config/schema.ts";
import type { Fetch } from "../http/request.ts";
import type { Clock } from "../http/token-bucket.ts";
import type { Log, Provider, SecretReader } from "../sync/ports.ts";
import { createDescopeProvider } from "./descope/provider.ts";
import { createZitadelProvider } from "./zitadel/provider.ts";

export interface ProviderDeps {
  secrets: SecretReader;
  log: Log;
  /** Sync invocations that may run at once: each provider divides its request budget by it. */
  concurrency: number;
  clock?: Clock;
  fetch?: Fetch;
}

/** Builds the configured providers; each keeps its own acknowledged state, so they apply independently. */
export function createProviders(configs: readonly ProviderConfig[], deps: ProviderDeps): Provider[] {
  return configs.map((config) => createProvider(config, deps));
}

function createProvider(config: ProviderConfig, deps: ProviderDeps): Provider {
  switch (config.type) {
    case "descope":
      return createDescopeProvider(config, deps);
    case "zitadel":
      return createZitadelProvider(config, deps);
  }
}
