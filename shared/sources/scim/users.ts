import { isDeepStrictEqual } from "node:util";
import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import type { ChangeAttributes } from "../../model/change.ts";
import type { PersonView } from "../../model/person-view.ts";
import { isReservedPersonKey, personKeySchema } from "../../model/user.ts";
import type { ScimContext } from "./context.ts";
import { ScimError, scimResponse } from "./errors.ts";
import { type GroupContext, leaveAllGroups } from "./groups.ts";
import { acceptChanges } from "./intake.ts";
import { type ListQuery, listResponse, type Projection, project } from "./list-query.ts";
import { isObject, normaliseResource } from "./normalise.ts";
import { applyPatch } from "./patch.ts";
import { parsePatchRequest } from "./patch-request.ts";
import { readJsonBody } from "./request-body.ts";
import { attributesFromScimUser } from "./user-mapping.ts";
import { findUsers } from "./user-query.ts";
import { liveUser, renderUser, userLocation, userMappingOptions } from "./user-resource.ts";
import { parseScimUser, type ScimUser } from "./user-schema.ts";

/**
 * POST /Users. The id is the person key: the externalId when given, else the userName. A userName or id
 * another live user holds is a conflict (409 uniqueness, RFC 7644 §3.3) — that includes the same client
 * repeating its create, which is what Okta and Entra expect; nobody is created twice either way, and of
 * concurrent creates of one userName exactly one gets it (it is reserved atomically). A user created
 * without `active` is active.
 */
export async function createUser(request: IngestRequest, context: ScimContext): Promise<IngestResponse> {
  const user = readUser(readJsonBody(request), context);
  const person = personKey(user.externalId || user.userName);
  const taken = () => new ScimError(409, `a user with id "${person}" already exists`, "uniqueness");
  if (liveUser((await context.persons.get([person])).get(person))) throw taken();
  await reserveUserName(user.userName, person, context);
  const attributes = { active: true, ...attributesFromScimUser(user, userMappingOptions(context)) };
  const written = await acceptChanges(context, [person], (view) => {
    if (liveUser(view)) throw taken();
    return { kind: "upsert", attributes };
  });
  const response = scimResponse(201, renderUser(written.get(person) as PersonView, context));
  response.headers.location = userLocation(context, person);
  return response;
}

export async function getUser(
  id: string,
  projection: Projection,
  context: ScimContext,
): Promise<IngestResponse> {
  const view = await readLivePerson(id, context);
  return scimResponse(200, project(renderUser(view, context), projection, context.users));
}

export async function listUsers(query: ListQuery, context: ScimContext): Promise<IngestResponse> {
  const matches = await findUsers(query.filter, context);
  return scimResponse(200, listResponse(matches, query, context.users));
}

/**
 * PUT /Users/{id}: the body is the whole user; what it lacks is cleared (but `active`, see the mapping).
 * Only what differs from the user as read is sent on, as for PATCH. An `id` in the body must be the one
 * in the path.
 */
export async function replaceUser(
  id: string,
  request: IngestRequest,
  context: ScimContext,
): Promise<IngestResponse> {
  const body = readJsonBody(request);
  const read = await readLivePerson(id, context);
  if (isObject(body) && body.id !== undefined && body.id !== null && body.id !== id)
    throw new ScimError(
      400,
      `id is readOnly: the body says "${String(body.id)}", the path "${id}"`,
      "mutability",
    );
  const user = readUser(body, context);
  const renamed = user.userName.toLowerCase() !== liveUser(read)?.loginId.toLowerCase();
  if (renamed) await reserveUserName(user.userName, id, context);
  const options = userMappingOptions(context);
  const attributes = attributesFromScimUser(user, options);
  const written = await acceptChanges(context, [id], (current) => {
    if (!liveUser(current)) throw notFound(id);
    const before = attributesFromScimUser(parseScimUser(renderUser(current, context)), options);
    const changed = changedAttributes(before, attributes, Object.keys(attributes));
    return Object.keys(changed).length === 0 ? undefined : { kind: "upsert", attributes: changed };
  });
  return scimResponse(200, await afterRename(read, written.get(id) as PersonView, context));
}

/**
 * PATCH /Users/{id}: the operations apply to the user as a client reads it, and only what they changed is
 * sent on, as an upsert: a PATCH that deactivates must not re-stamp (and so overrule) the title an HR
 * source wrote a moment earlier, which a full replacement would.
 */
export async function patchUser(
  id: string,
  request: IngestRequest,
  context: ScimContext,
): Promise<IngestResponse> {
  const operations = parsePatchRequest(readJsonBody(request), context.users);
  const changesOf = (view: PersonView): ChangeAttributes => {
    if (!liveUser(view)) throw notFound(id);
    const before = renderUser(view, context);
    const after = parseScimUser(applyPatch(before, operations, context.users));
    const options = userMappingOptions(context);
    return changedAttributes(
      attributesFromScimUser(parseScimUser(before), options),
      attributesFromScimUser(after, options),
    );
  };
  const read = await readLivePerson(id, context);
  const first = changesOf(read);
  if (first.loginId && first.loginId.toLowerCase() !== liveUser(read)?.loginId.toLowerCase())
    await reserveUserName(first.loginId, id, context);
  const written = await acceptChanges(context, [id], (view) => {
    const attributes = changesOf(view);
    return Object.keys(attributes).length === 0 ? undefined : { kind: "upsert", attributes };
  });
  return scimResponse(200, await afterRename(read, written.get(id) as PersonView, context));
}

/**
 * DELETE /Users/{id}: the person left the source; each provider's leaver policy decides what follows. They
 * leave every group first (losing its roles, as for any removal; should that fail, the user is still there
 * for the client's retry), and their userName is free again.
 */
export async function deleteUser(id: string, context: ScimContext): Promise<IngestResponse> {
  const { loginId } = liveUser(await readLivePerson(id, context)) as { loginId: string };
  if (context.groups) await leaveAllGroups(id, context as GroupContext);
  await acceptChanges(context, [id], (view) => {
    if (!liveUser(view)) throw notFound(id);
    return { kind: "delete", attributes: {} };
  });
  await context.persons.releaseLoginId(loginId, id);
  return { status: 204, headers: {}, body: "" };
}

const notFound = (id: string) => new ScimError(404, `no user with id "${id}"`);

function readUser(body: unknown, context: ScimContext): ScimUser {
  return parseScimUser(normaliseResource(body, context.users));
}

function personKey(candidate: string): string {
  if (isReservedPersonKey(candidate))
    throw new ScimError(
      400,
      `externalId (or userName) "${candidate}" uses a reserved prefix`,
      "invalidValue",
    );
  if (!personKeySchema.safeParse(candidate).success)
    throw new ScimError(400, "externalId (or userName) must be 1 to 256 characters", "invalidValue");
  return candidate;
}

async function readLivePerson(id: string, context: ScimContext): Promise<PersonView> {
  const view = personKeySchema.safeParse(id).success ? (await context.persons.get([id])).get(id) : undefined;
  if (!view || !liveUser(view)) throw notFound(id);
  return view;
}

/** userName is unique (caseExact false): reserved by, or held by, another person it is a 409 uniqueness. */
async function reserveUserName(userName: string, person: string, context: ScimContext): Promise<void> {
  const holder = await context.persons.reserveLoginId(userName, person, context.receivedAt);
  if (holder !== undefined)
    throw new ScimError(409, `userName "${userName}" is already taken by user "${holder}"`, "uniqueness");
}

/** Renders the user as written; a userName they gave up (other than by case) is free again. */
async function afterRename(before: PersonView, after: PersonView, context: ScimContext) {
  const previous = liveUser(before)?.loginId;
  const current = liveUser(after)?.loginId;
  if (previous !== undefined && previous.toLowerCase() !== current?.toLowerCase())
    await context.persons.releaseLoginId(previous, after.person);
  return renderUser(after, context);
}

/** The attributes whose value differs; custom attributes key by key. */
function changedAttributes(
  before: ChangeAttributes,
  after: ChangeAttributes,
  compared: readonly string[] = [...Object.keys(before), ...Object.keys(after)],
): ChangeAttributes {
  const changed: Record<string, unknown> = {};
  const names = new Set(compared) as Set<keyof ChangeAttributes>;
  for (const name of names) {
    if (name === "customAttributes") {
      const keys = Object.entries(after.customAttributes ?? {}).filter(
        ([key, value]) => !isDeepStrictEqual(before.customAttributes?.[key], value),
      );
      if (keys.length > 0) changed.customAttributes = Object.fromEntries(keys);
    } else if (!isDeepStrictEqual(asSet(before[name]), asSet(after[name])))
      changed[name] = after[name] ?? null;
  }
  return changed as ChangeAttributes;
}

/** Lists of names (roles) are sets: their order is no change. */
const asSet = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === "string")
    ? [...new Set(value)].sort()
    : value;
