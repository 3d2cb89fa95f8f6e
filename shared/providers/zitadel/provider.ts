import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import { clientDeps, type ProviderDepsInput } from "../../http/client-deps.ts";
import type { Provider } from "../../sync/ports.ts";
import { applyOperations } from "./apply-operations.ts";
import { ZitadelClient } from "./client.ts";
import { missingForZitadel } from "./user-view.ts";

/** A ZITADEL instance (one organisation) as a sync target, through its management (v1) or user (v2) API. */
export function createZitadelProvider(config: ZitadelProviderConfig, deps: ProviderDepsInput): Provider {
  const client = new ZitadelClient(config, clientDeps(deps));
  return {
    name: config.name,
    leaverPolicy: config.leaverPolicy,
    ...(config.deleteAfterDays ? { deleteAfterDays: config.deleteAfterDays } : {}),
    missingForCreate: missingForZitadel,
    apply: (operations, context = {}) =>
      applyOperations(operations, config, client, deps.log, context.deadline),
  };
}
