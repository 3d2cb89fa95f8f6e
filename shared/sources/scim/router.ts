import { randomUUID } from "node:crypto";
import type { ScimSourceConfig } from "../../config/scim.ts";
import { bearerTokenMatches } from "../../ingest/bearer-token.ts";
import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import type { Log, SecretReader } from "../../ports/common.ts";
import type { PersonIntake } from "../../ports/person-intake.ts";
import { routeBulk } from "./bulk.ts";
import type { ScimContext, ScimDispatch } from "./context.ts";
import { discover } from "./discovery.ts";
import { ScimError, scimError } from "./errors.ts";
import type { ScimGroupStore } from "./group-store.ts";
import {
  createGroup,
  deleteGroup,
  type GroupContext,
  getGroup,
  listGroups,
  patchGroup,
  replaceGroup,
} from "./groups.ts";
import { type ListQuery, queryFromSearchRequest, queryFromUrl } from "./list-query.ts";
import { readJsonBody } from "./request-body.ts";
import { groupResourceSchema, userResourceSchema } from "./resource-schemas.ts";
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from "./users.ts";

/** What the SCIM service provider needs from ingest. */
export interface ScimDeps {
  config: { scim: readonly ScimSourceConfig[]; maxBodyBytes: number };
  secrets: SecretReader;
  /** The persons as accepted so far, where accepted changes are recorded and queued. */
  persons: PersonIntake;
  log: Log;
  newChangeId?: () => string;
  /** Where SCIM groups are kept; without it /Groups answers 501 and discovery leaves groups out. */
  scimGroups?: ScimGroupStore;
}

/** /scim/v2/… (the source is picked by its token) or /scim/<source>/v2/… (that source's token only). */
export const scimPath = /^\/scim\/(?:([a-z0-9-]+)\/)?v2(\/.*)?$/i;

/** At most one uncached re-read of a token per this many ms, so wrong tokens cannot hammer Secrets Manager. */
const freshReadIntervalMs = 30_000;
const lastFreshRead = new Map<string, number>();

/** Every request under a SCIM base URL: authenticated with the source's bearer token, answered per RFC 7644. */
export async function routeScim(request: IngestRequest, deps: ScimDeps): Promise<IngestResponse> {
  const match = scimPath.exec(request.path);
  if (!match) return scimError(404, `no SCIM resource at ${request.path}`);
  const [, name, rest = ""] = match;
  const candidates =
    name === undefined ? deps.config.scim : deps.config.scim.filter((source) => source.name === name);
  if (candidates.length === 0)
    return scimError(404, name === undefined ? "no SCIM source is configured" : `no SCIM source "${name}"`);
  const source = await authenticate(request, candidates, deps.secrets);
  if (!source) return scimError(401, "missing or invalid bearer token");

  const prefix = request.path.slice(0, request.path.length - rest.length);
  const context = scimContext(request, source, prefix, deps);
  try {
    return await dispatch(request, rest, context);
  } catch (error) {
    if (error instanceof ScimError) return error.toResponse();
    throw error;
  }
}

async function authenticate(
  request: IngestRequest,
  sources: readonly ScimSourceConfig[],
  secrets: SecretReader,
): Promise<ScimSourceConfig | undefined> {
  const authorization = request.headers.authorization;
  const tokens = await Promise.all(sources.map((source) => secrets.read(source.tokenSecretName)));
  const found = sources.find((_, index) => bearerTokenMatches(authorization, tokens[index] as string));
  if (found || !authorization) return found;
  // The token may have been rotated since it was cached: read the secrets once more, uncached.
  const now = Date.now();
  const stale = sources.filter(
    (source) => now - (lastFreshRead.get(source.tokenSecretName) ?? 0) > freshReadIntervalMs,
  );
  for (const source of stale) lastFreshRead.set(source.tokenSecretName, now);
  const fresh = await Promise.all(
    stale.map((source) => secrets.read(source.tokenSecretName, { fresh: true })),
  );
  return stale.find((_, index) => bearerTokenMatches(authorization, fresh[index] as string));
}

function scimContext(request: IngestRequest, source: ScimSourceConfig, prefix: string, deps: ScimDeps) {
  const protocol = request.headers["x-forwarded-proto"] ?? "https";
  const context: ScimContext = {
    source,
    users: userResourceSchema(source),
    ...(deps.scimGroups ? { groups: { schema: groupResourceSchema, store: deps.scimGroups } } : {}),
    bulk: {
      maxOperations: source.bulk.maxOperations,
      maxPayloadSize: Math.min(source.bulk.maxPayloadSize, deps.config.maxBodyBytes),
    },
    baseUrl: `${protocol}://${request.headers.host ?? "localhost"}${prefix}`,
    receivedAt: request.receivedAt,
    persons: deps.persons,
    newChangeId: deps.newChangeId ?? randomUUID,
    log: deps.log,
  };
  return context;
}

const resourcePath =
  /^\/(Users|Groups|Bulk|ServiceProviderConfig|ResourceTypes|Schemas|Me)(?:\/([^/]+))?\/?$/i;

/**
 * Answers one request relative to the base URL (`/Users/42`); Bulk calls it again for each operation.
 * Resource type names are matched case-insensitively.
 */
export const dispatch: ScimDispatch = async (request, path, context) => {
  const match = resourcePath.exec(path);
  if (!match) throw new ScimError(404, `no SCIM resource at ${path || "/"}`);
  const kind = (match[1] as string).toLowerCase();
  const segment = match[2];
  const id = segment === undefined ? undefined : decodeSegment(segment);
  const method = request.method;
  switch (kind) {
    case "users":
      return routeUsers(method, id, request, context);
    case "groups": {
      if (!context.groups) throw new ScimError(501, "Groups are not enabled for this SCIM source");
      return routeGroups(method, id, request, context as GroupContext);
    }
    case "bulk":
      if (id !== undefined) throw new ScimError(404, `no SCIM resource at ${path}`);
      if (method !== "POST") throw notAllowed(method, path);
      return routeBulk(request, context, dispatch);
    case "me":
      throw new ScimError(501, "/Me is not supported: requests authenticate as a provisioning client");
    case "serviceproviderconfig":
      return discover("ServiceProviderConfig", id, request, context);
    case "resourcetypes":
      return discover("ResourceTypes", id, request, context);
    default:
      return discover("Schemas", id, request, context);
  }
};

async function routeUsers(
  method: string,
  id: string | undefined,
  request: IngestRequest,
  context: ScimContext,
) {
  if (id === ".search") {
    if (method !== "POST") throw notAllowed(method, "/Users/.search");
    return listUsers(searchQuery(request, context), context);
  }
  if (id === undefined) {
    if (method === "GET") return listUsers(queryFromUrl(request.query, context.source.maxResults), context);
    if (method === "POST") return createUser(request, context);
    throw notAllowed(method, "/Users");
  }
  if (method === "GET") return getUser(id, queryFromUrl(request.query, context.source.maxResults), context);
  if (method === "PUT") return replaceUser(id, request, context);
  if (method === "PATCH") return patchUser(id, request, context);
  if (method === "DELETE") return deleteUser(id, context);
  throw notAllowed(method, "/Users/{id}");
}

async function routeGroups(
  method: string,
  id: string | undefined,
  request: IngestRequest,
  context: GroupContext,
) {
  if (id === ".search") {
    if (method !== "POST") throw notAllowed(method, "/Groups/.search");
    return listGroups(searchQuery(request, context), context);
  }
  if (id === undefined) {
    if (method === "GET") return listGroups(queryFromUrl(request.query, context.source.maxResults), context);
    if (method === "POST") return createGroup(request, context);
    throw notAllowed(method, "/Groups");
  }
  if (method === "GET") return getGroup(id, queryFromUrl(request.query, context.source.maxResults), context);
  if (method === "PUT") return replaceGroup(id, request, context);
  if (method === "PATCH") return patchGroup(id, request, context);
  if (method === "DELETE") return deleteGroup(id, context);
  throw notAllowed(method, "/Groups/{id}");
}

const searchQuery = (request: IngestRequest, context: ScimContext): ListQuery =>
  queryFromSearchRequest(readJsonBody(request), context.source.maxResults);

const notAllowed = (method: string, path: string) =>
  new ScimError(405, `${method} is not supported on ${path}`);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ScimError(400, "the resource id in the path is not valid percent-encoding", "invalidValue");
  }
}
