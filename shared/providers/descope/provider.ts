import type { DescopeProviderConfig } from "../../config/descope.ts";
import { clientDeps, type ProviderDepsInput } from "../../http/client-deps.ts";
import type { Provider } from "../../sync/ports.ts";
import { applyOperations } from "./apply-operations.ts";
import { DescopeClient } from "./client.ts";

/** A Descope project as a sync target, through the management API's batch endpoints. */
export function createDescopeProvider(config: DescopeProviderConfig, deps: ProviderDepsInput): Provider {
  const client = new DescopeClient(config, clientDeps(deps));
  return {
    name: config.name,
    leaverPolicy: config.leaverPolicy,
    ...(config.deleteAfterDays ? { deleteAfterDays: config.deleteAfterDays } : {}),
    apply: (operations, context = {}) =>
      applyOperations(operations, config, client, deps.log, context.deadline),
  };
}
