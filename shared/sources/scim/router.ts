import { bearerTokenMatches } from "../../ingest/bearer-token.ts";
import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import type { IngestDeps } from "../../ingest/router.ts";
import { scimError } from "./errors.ts";
import { writeScimUser } from "./users.ts";

const scimUsersPath = /^\/scim\/v2\/Users(?:\/([^/]+))?\/?$/i;

/** Every request under /scim/v2: authenticated with the source's bearer token, answered per RFC 7644. */
export async function routeScim(request: IngestRequest, deps: IngestDeps): Promise<IngestResponse> {
  const expected = await deps.secrets.read(deps.config.scim.tokenSecretName);
  if (!bearerTokenMatches(request.headers.authorization, expected)) {
    return scimError(401, "missing or invalid bearer token");
  }
  const users = scimUsersPath.exec(request.path);
  const scimDeps = { source: deps.config.scim, queue: deps.queue, ...pickIdFactory(deps) };
  if (users) {
    const id = users[1] === undefined ? undefined : safeDecode(users[1]);
    if (id === null)
      return scimError(400, "the resource id in the path is not valid percent-encoding", "invalidValue");
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
