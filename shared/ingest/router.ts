import type { Config } from "../config/schema.ts";
import { scimError } from "../sources/scim/errors.ts";
import type { ScimGroupStore } from "../sources/scim/group-store.ts";
import { routeScim, scimPath } from "../sources/scim/router.ts";
import type { ChangeScheduler, ReplayGuard } from "../sources/webhooks/ports.ts";
import { routeWebhook } from "../sources/webhooks/route.ts";
import { StateIntake } from "../sync/intake.ts";
import type { ChangeQueue, Log, SecretReader, StateStore } from "../sync/ports.ts";
import { type IngestRequest, type IngestResponse, jsonResponse } from "./request.ts";

export interface IngestDeps {
  config: Config;
  queue: ChangeQueue;
  secrets: SecretReader;
  log: Log;
  /** Read by sources that answer from what was accepted (SCIM GET) or must merge at intake. */
  store: StateStore;
  newChangeId?: () => string;
  /** Holds future-dated leavers until they take effect (HR webhooks). */
  scheduler?: ChangeScheduler;
  /** Refuses replayed webhook deliveries. */
  replayGuard?: ReplayGuard;
  /** Keeps SCIM groups; without it /Groups answers 501 and SCIM discovery leaves groups out. */
  scimGroups?: ScimGroupStore;
}

/** Answers one ingest request: every outcome is a precise status with a machine-readable body. */
export async function routeIngestRequest(request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> {
  if (request.method === "GET" && request.path === "/health") return jsonResponse(200, { status: "ok" });
  const isScim = scimPath.test(request.path);
  if (request.rawBody.length > deps.config.maxBodyBytes) {
    const detail = `the request body exceeds ${deps.config.maxBodyBytes} bytes`;
    return isScim ? scimError(413, detail) : jsonResponse(413, { error: "payload_too_large", detail });
  }
  if (isScim)
    return routeScim(request, { ...deps, persons: new StateIntake(deps.store, deps.queue, deps.log) });
  if (request.path.startsWith("/webhooks/")) return routeWebhook(request, deps);
  return jsonResponse(404, { error: "not_found", detail: `no route for ${request.method} ${request.path}` });
}
