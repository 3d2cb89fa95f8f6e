import type { ProviderConfig } from "../config/schema.ts";
import type { ProviderDirectory } from "../reconcile/ports.ts";
import { createDescopeDirectory } from "./descope/list-users.ts";
import type { ProviderDeps } from "./registry.ts";
import { createZitadelDirectory } from "./zitadel/list-users.ts";

/**
 * The full user listing of each configured provider, for reconcile. Descope keeps its rate limits per path
 * and only reconcile calls the search path, so the listing paces to that path's whole budget rather than to
 * a sync invocation's share; ZITADEL has one budget for every call, so there the listing takes a share.
 */
export function createDirectories(
  configs: readonly ProviderConfig[],
  deps: ProviderDeps,
  pageSize: number,
): ProviderDirectory[] {
  return configs.map((config) =>
    config.type === "descope"
      ? createDescopeDirectory(config, { ...deps, concurrency: 1 }, { pageSize })
      : createZitadelDirectory(config, deps, { pageSize }),
  );
}
