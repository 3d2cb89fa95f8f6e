import type { Config } from "../config/schema.ts";
import { scimError } from "../sources/scim/errors.ts";
import { routeScim } from "../sources/scim/router.ts";
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
}

/** Answers one ingest request: every outcome is a precise status with a machine-readable body. */
export async function routeIngestRequest(request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> {
  if (request.method === "GET" && request.path === "/health") return jsonResponse(200, { status: "ok" });
  const isScim = /^\/scim\/v2(\/|$)/i.test(request.path);
  if (request.rawBody.length > deps.config.maxBodyBytes) {
    const detail = `the request body exceeds ${deps.config.maxBodyBytes} bytes`;
    return isScim
      ? scimError(413, detail, "tooLarge")
      : jsonResponse(413, { error: "payload_too_large", detail });
  }
  if (isScim) return routeScim(request, deps);
  return jsonResponse(404, { error: "not_found", detail: `no route for ${request.method} ${request.path}` });
}
