import type { Config } from "../config/schema.ts";
import { scimError } from "../sources/scim/errors.ts";
import { writeScimUser } from "../sources/scim/users.ts";
import type { ChangeQueue, Log, SecretReader } from "../sync/ports.ts";
import { bearerTokenMatches } from "./bearer-token.ts";
import { type IngestRequest, type IngestResponse, jsonResponse } from "./request.ts";

export interface IngestDeps {
  config: Config;
  queue: ChangeQueue;
  secrets: SecretReader;
  log: Log;
  newChangeId?: () => string;
}

const scimUsersPath = /^\/scim\/v2\/Users(?:\/([^/]+))?\/?$/i;

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

async function routeScim(request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> {
  const expected = await deps.secrets.read(deps.config.scim.tokenSecretName);
  if (!bearerTokenMatches(request.headers.authorization, expected)) {
    return scimError(401, "missing or invalid bearer token");
  }
  const users = scimUsersPath.exec(request.path);
  const scimDeps = { source: deps.config.scim, queue: deps.queue, ...pickIdFactory(deps) };
  if (users) {
    const id = users[1] === undefined ? undefined : safeDecode(users[1]);
    if (id === null) return scimError(400, "the resource id in the path is not valid percent-encoding", "invalidValue");
    if (request.method === "POST" && id === undefined) return writeScimUser(request, undefined, scimDeps);
    if (request.method === "PUT" && id !== undefined) return writeScimUser(request, id, scimDeps);
    return scimError(405, `${request.method} is not supported on ${request.path}`);
  }
  return scimError(404, `no SCIM resource at ${request.path}`);
}

const pickIdFactory = (deps: IngestDeps) => (deps.newChangeId ? { newChangeId: deps.newChangeId } : {});

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
