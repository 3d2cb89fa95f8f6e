import type { ProviderConfig } from "../config/schema.ts";
import type { ProviderDirectory } from "../reconcile/ports.ts";
import { createDescopeDirectory } from "./descope/list-users.ts";
import type { ProviderDeps } from "./registry.ts";
import { createZitadelDirectory } from "./zitadel/list-users.ts";

/** The full user listing of each configured provider, for reconcile. */
export function createDirectories(
  configs: readonly ProviderConfig[],
  deps: ProviderDeps,
  pageSize: number,
): ProviderDirectory[] {
  return configs.map((config) =>
    config.type === "descope"
      ? createDescopeDirectory(config, deps, { pageSize })
      : createZitadelDirectory(config, deps, { pageSize }),
  );
}
