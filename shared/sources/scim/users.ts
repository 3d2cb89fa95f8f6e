import { randomUUID } from "node:crypto";
import type { ScimSourceConfig } from "../../config/scim.ts";
import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import { jsonResponse } from "../../ingest/request.ts";
import type { UserChange } from "../../model/change.ts";
import { personKeySchema } from "../../model/user.ts";
import { emptyDesiredState, materialize, mergeChange } from "../../sync/desired-state.ts";
import type { ChangeQueue } from "../../sync/ports.ts";
import { scimContentType, scimError } from "./errors.ts";
import { attributesFromScimUser, scimUserFromCanonical } from "./user-mapping.ts";
import { scimUserSchema } from "./user-schema.ts";

export interface ScimUsersDeps {
  source: ScimSourceConfig;
  queue: ChangeQueue;
  newChangeId?: () => string;
}

/** POST /Users (create) and PUT /Users/{id} (replace): both carry the whole user. */
export async function writeScimUser(
  request: IngestRequest,
  pathId: string | undefined,
  deps: ScimUsersDeps,
): Promise<IngestResponse> {
  const body = parseJsonBody(request.rawBody);
  if (!body.ok) return scimError(400, body.detail, "invalidSyntax");
  const parsed = scimUserSchema.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return scimError(400, `${issue?.path.join(".") || "body"}: ${issue?.message}`, "invalidValue");
  }
  const user = parsed.data;
  const person = pathId ?? user.externalId ?? user.userName;
  if (!personKeySchema.safeParse(person).success)
    return scimError(400, "id must be 1 to 256 characters", "invalidValue");

  const change: UserChange = {
    id: (deps.newChangeId ?? randomUUID)(),
    source: deps.source.name,
    person,
    at: new Date(request.receivedAt).toISOString(),
    kind: "replace",
    attributes: attributesFromScimUser(user, { trustEmails: true }),
  };
  const failed = await deps.queue.send([change]);
  if (failed.length > 0) return scimError(503, "the change could not be queued; retry later");

  const { user: canonical } = materialize(mergeChange(emptyDesiredState(), { ...change, kind: "replace" }));
  const location = `${baseUrl(request)}/scim/v2/Users/${encodeURIComponent(person)}`;
  const resource = scimUserFromCanonical(person, user.externalId ?? undefined, canonical, {
    location,
    lastModified: change.at,
  });
  const response = jsonResponse(pathId === undefined ? 201 : 200, resource, scimContentType);
  if (pathId === undefined) response.headers.location = location;
  return response;
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; detail: string };

export function parseJsonBody(raw: Buffer): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false, detail: "the request body is not valid JSON" };
  }
}

function baseUrl(request: IngestRequest): string {
  const protocol = request.headers["x-forwarded-proto"] ?? "https";
  return `${protocol}://${request.headers.host ?? "localhost"}`;
}
