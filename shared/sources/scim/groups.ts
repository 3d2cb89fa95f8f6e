import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { ScimGroupMapping } from "../../config/scim.ts";
import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import type { ChangeAttributes } from "../../model/change.ts";
import { personKeySchema } from "../../model/user.ts";
import type { ScimContext } from "./context.ts";
import { ScimError, scimResponse } from "./errors.ts";
import type { Filter } from "./filter.ts";
import { compileResourceFilter } from "./filter-match.ts";
import type { ScimGroup, ScimGroupMember, ScimGroupStore, ScimGroupSummary } from "./group-store.ts";
import { acceptChanges } from "./intake.ts";
import { type ListQuery, listResponse, type Projection, project } from "./list-query.ts";
import { isObject, type JsonObject, normaliseResource } from "./normalise.ts";
import { applyPatch } from "./patch.ts";
import { type PatchOperation, parsePatchRequest } from "./patch-request.ts";
import { readJsonBody } from "./request-body.ts";
import { groupSchemaUrn, type ResourceSchema } from "./resource-schemas.ts";
import { usersUrl } from "./user-resource.ts";

/** The group half of a context: present only when a group store is wired. */
export interface GroupContext extends ScimContext {
  groups: { schema: ResourceSchema; store: ScimGroupStore };
}

const maxAttempts = 5;
const maxMembers = 10_000;

export const groupsUrl = (context: ScimContext) => `${context.baseUrl}/Groups`;
const groupLocation = (context: ScimContext, id: string) => `${groupsUrl(context)}/${encodeURIComponent(id)}`;

/** A group as every read answers it. Members are Users; their `$ref` points at the User resource. */
export function renderGroup(group: ScimGroup | ScimGroupSummary, context: ScimContext): JsonObject {
  const resource: JsonObject = {
    schemas: [groupSchemaUrn],
    id: group.id,
    ...(group.externalId === undefined ? {} : { externalId: group.externalId }),
    displayName: group.displayName,
  };
  if ("members" in group && group.members.length > 0)
    resource.members = group.members.map((member) => ({
      value: member.value,
      $ref: `${usersUrl(context)}/${encodeURIComponent(member.value)}`,
      type: "User",
      ...(member.display === undefined ? {} : { display: member.display }),
    }));
  resource.meta = {
    resourceType: "Group",
    created: group.created,
    lastModified: group.lastModified,
    location: groupLocation(context, group.id),
  };
  return resource;
}

interface GroupContent {
  displayName: string;
  externalId?: string;
  members: ScimGroupMember[];
}

/** Reads a Group resource (POST, PUT, or the result of a PATCH); unknown attributes are ignored. */
function readGroup(body: unknown, schema: ResourceSchema): GroupContent {
  const resource = normaliseResource(body, schema);
  const displayName = resource.displayName;
  if (typeof displayName !== "string" || displayName.trim() === "")
    throw new ScimError(400, "displayName is required", "invalidValue");
  if (displayName.length > 256)
    throw new ScimError(400, "displayName may be at most 256 characters", "invalidValue");
  const externalId = resource.externalId;
  if (externalId !== undefined && typeof externalId !== "string")
    throw new ScimError(400, "externalId must be a string", "invalidValue");
  const members = new Map<string, ScimGroupMember>();
  const list = resource.members === undefined ? [] : resource.members;
  if (!Array.isArray(list)) throw new ScimError(400, "members must be a list", "invalidValue");
  for (const item of list) {
    if (!isObject(item) || typeof item.value !== "string" || !personKeySchema.safeParse(item.value).success)
      throw new ScimError(400, "every member needs a value: the id of a User", "invalidValue");
    if (typeof item.type === "string" && item.type.toLowerCase() !== "user")
      throw new ScimError(400, `member "${item.value}": only Users can be members`, "invalidValue");
    const display = typeof item.display === "string" ? item.display : undefined;
    members.set(item.value, { value: item.value, ...(display === undefined ? {} : { display }) });
  }
  if (members.size > maxMembers)
    throw new ScimError(400, `a group may have at most ${maxMembers} members`, "tooMany");
  return {
    displayName,
    ...(externalId === undefined || externalId === "" ? {} : { externalId }),
    members: [...members.values()],
  };
}

/** POST /Groups: the id is assigned here; a displayName the source already uses is a 409 uniqueness. */
export async function createGroup(request: IngestRequest, context: GroupContext): Promise<IngestResponse> {
  const content = readGroup(readJsonBody(request), context.groups.schema);
  await assertDisplayNameFree(content.displayName, undefined, context);
  const at = new Date(context.receivedAt).toISOString();
  const group: ScimGroup = {
    source: context.source.name,
    id: randomUUID(),
    ...content,
    created: at,
    lastModified: at,
    version: 0,
  };
  if (!(await context.groups.store.put(group))) throw unavailable();
  const written = { ...group, version: 1 };
  await grantMemberships(
    context,
    undefined,
    written,
    content.members.map((member) => member.value),
  );
  const response = scimResponse(201, renderGroup(written, context));
  response.headers.location = groupLocation(context, group.id);
  return response;
}

export async function getGroup(id: string, projection: Projection, context: GroupContext) {
  const group = await readGroupRecord(id, context);
  return scimResponse(200, project(renderGroup(group, context), projection, context.groups.schema));
}

/**
 * GET /Groups: filtered and paged over the source's groups. Members are read only when the filter or the
 * response needs them: Entra lists with excludedAttributes=members, Okta filters by displayName.
 */
export async function listGroups(query: ListQuery, context: GroupContext): Promise<IngestResponse> {
  const { schema, store } = context.groups;
  const matches = query.filter ? compileResourceFilter(query.filter, schema) : () => true;
  const summaries = await store.list(context.source.name);
  const needsMembersToFilter = query.filter !== undefined && mentionsMembers(query.filter);
  const wanted = needsMembersToFilter
    ? [
        ...(
          await store.get(
            context.source.name,
            summaries.map((group) => group.id),
          )
        ).values(),
      ]
        .map((group) => renderGroup(group, context))
        .filter(matches)
    : summaries.map((group) => renderGroup(group, context)).filter(matches);
  const pageIds = wanted
    .slice(query.startIndex - 1, query.startIndex - 1 + query.count)
    .map((group) => String(group.id));
  const membersReturned = returnsMembers(query, schema);
  const full =
    membersReturned && !needsMembersToFilter ? await store.get(context.source.name, pageIds) : undefined;
  const resources = full
    ? wanted.map((group) => {
        const loaded = full.get(String(group.id));
        return loaded ? renderGroup(loaded, context) : group;
      })
    : wanted;
  return scimResponse(200, listResponse(resources, query, schema));
}

function mentionsMembers(filter: Filter): boolean {
  switch (filter.kind) {
    case "logical":
      return mentionsMembers(filter.left) || mentionsMembers(filter.right);
    case "not":
      return mentionsMembers(filter.filter);
    default:
      return /(^|[:.])members([.[]|$)/i.test(filter.attribute);
  }
}

function returnsMembers(projection: Projection, schema: ResourceSchema): boolean {
  const probe = { schemas: [], id: "x", members: [{ value: "x" }] };
  return project(probe, projection, schema).members !== undefined;
}

/** PUT /Groups/{id}: displayName, externalId and members are replaced as given. */
export async function replaceGroup(
  id: string,
  request: IngestRequest,
  context: GroupContext,
): Promise<IngestResponse> {
  const body = readJsonBody(request);
  if (isObject(body) && body.id !== undefined && body.id !== null && body.id !== id)
    throw new ScimError(400, `id is readOnly: the body says "${String(body.id)}"`, "mutability");
  const content = readGroup(body, context.groups.schema);
  const mentioned = content.members.map((member) => member.value);
  return scimResponse(200, await updateGroup(id, context, () => content, mentioned));
}

/** PATCH /Groups/{id}: Okta's and Entra's member forms alike (see patch-request.ts and patch.ts). */
export async function patchGroup(
  id: string,
  request: IngestRequest,
  context: GroupContext,
): Promise<IngestResponse> {
  const operations = parsePatchRequest(readJsonBody(request), context.groups.schema);
  const written = await updateGroup(
    id,
    context,
    (group) => {
      const resource = renderGroup(group, context);
      return readGroup(applyPatch(resource, operations, context.groups.schema), context.groups.schema);
    },
    mentionedMembers(operations),
  );
  return scimResponse(200, written);
}

/** DELETE /Groups/{id}: its members lose what it granted. */
export async function deleteGroup(id: string, context: GroupContext): Promise<IngestResponse> {
  const group = await readGroupRecord(id, context);
  // Roles first: should that fail, the group is still there for the client's retry.
  await grantMemberships(
    context,
    group,
    undefined,
    group.members.map((member) => member.value),
  );
  await context.groups.store.delete(context.source.name, id);
  return { status: 204, headers: {}, body: "" };
}

/**
 * Takes a person out of every group of the source that lists them (a deleted User is no member: RFC 7643
 * §4.2's members are Users that exist); their group-granted roles go as for any membership removal.
 */
export async function leaveAllGroups(person: string, context: GroupContext): Promise<void> {
  const { store } = context.groups;
  const summaries = await store.list(context.source.name);
  const groups = await store.get(
    context.source.name,
    summaries.map((group) => group.id),
  );
  const memberOf = [...groups.values()].filter((group) => isMember(group, person));
  for (const group of memberOf)
    await updateGroup(
      group.id,
      context,
      ({ displayName, externalId, members }) => ({
        displayName,
        ...(externalId === undefined ? {} : { externalId }),
        members: members.filter((member) => member.value !== person),
      }),
      [person],
    );
}

const isMember = (group: ScimGroup, person: string) =>
  group.members.some((member) => member.value === person);

/**
 * Applies `edit` to the group as stored, writing conditionally (and editing again on the fresh group after
 * a concurrent write), then brings the roles of the affected members in line.
 */
async function updateGroup(
  id: string,
  context: GroupContext,
  edit: (group: ScimGroup) => GroupContent,
  mentioned: readonly string[],
): Promise<JsonObject> {
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const before = await readGroupRecord(id, context);
    const content = edit(before);
    if (content.displayName.toLowerCase() !== before.displayName.toLowerCase())
      await assertDisplayNameFree(content.displayName, id, context);
    const unchanged =
      content.displayName === before.displayName &&
      content.externalId === before.externalId &&
      isDeepStrictEqual(content.members, before.members);
    const after: ScimGroup = unchanged
      ? before
      : {
          source: before.source,
          id,
          ...content,
          created: before.created,
          lastModified: new Date(
            Math.max(context.receivedAt, Date.parse(before.lastModified) + 1),
          ).toISOString(),
          version: before.version,
        };
    if (!unchanged && !(await context.groups.store.put(after))) continue;
    const written = unchanged ? before : { ...after, version: after.version + 1 };
    // Persons the request names are recomputed even when the group did not change: a retried request
    // must repair what a failed attempt left undone.
    await grantMemberships(context, before, written, mentioned);
    return renderGroup(written, context);
  }
  throw unavailable();
}

/** The member ids a PATCH names: in its values, and in `members[value eq "…"]` filters. */
function mentionedMembers(operations: readonly PatchOperation[]): string[] {
  const ids: string[] = [];
  const fromFilter = (filter: Filter | undefined) => {
    if (!filter) return;
    if (filter.kind === "logical") {
      fromFilter(filter.left);
      fromFilter(filter.right);
    } else if (filter.kind === "compare" && filter.attribute.toLowerCase() === "value")
      ids.push(filter.literal.text);
  };
  for (const operation of operations) {
    if (operation.path.location.name !== "members") continue;
    fromFilter(operation.path.filter);
    const values = Array.isArray(operation.value) ? operation.value : [operation.value];
    for (const item of values)
      if (isObject(item) && typeof item.value === "string") ids.push(item.value);
      else if (typeof item === "string") ids.push(item);
  }
  return ids;
}

/**
 * Sends the roles and tenant roles that group membership grants to every person whose membership may have
 * changed. With group mappings configured the source's groups own those attributes: a person's roles are
 * the union of what their mapped groups grant (none: roles removed), and each mapped tenant holds the union
 * of its roles (in no such group: the tenant is removed). Unmapped groups grant nothing.
 */
async function grantMemberships(
  context: GroupContext,
  before: ScimGroup | undefined,
  after: ScimGroup | undefined,
  mentioned: readonly string[],
): Promise<void> {
  const mappings = context.source.groupMappings;
  if (mappings.length === 0) return;
  const mappedBefore = before ? mappingsOf(before, mappings).length > 0 : false;
  const mappedAfter = after ? mappingsOf(after, mappings).length > 0 : false;
  if (!mappedBefore && !mappedAfter) return;
  const ids = (group: ScimGroup | undefined) => new Set(group?.members.map((member) => member.value) ?? []);
  const beforeIds = ids(before);
  const afterIds = ids(after);
  const renamed = mappedBefore !== mappedAfter || before?.displayName !== after?.displayName;
  const affected = new Set<string>(mentioned.filter((id) => personKeySchema.safeParse(id).success));
  for (const id of beforeIds) if (renamed || !afterIds.has(id)) affected.add(id);
  for (const id of afterIds) if (renamed || !beforeIds.has(id)) affected.add(id);
  if (affected.size === 0) return;

  const groupId = (after ?? before)?.id;
  const summaries = await context.groups.store.list(context.source.name);
  const mappedIds = summaries
    .filter((group) => group.id !== groupId && mappingsOf(group, mappings).length > 0)
    .map((group) => group.id);
  const others = await context.groups.store.get(context.source.name, mappedIds);
  const groups = [...others.values(), ...(after ? [after] : [])];
  const tenantIds = [...new Set(mappings.flatMap((mapping) => Object.keys(mapping.tenants)))];

  await acceptChanges(context, [...affected], ({ person, user, deleted }) => {
    // A deleted person gets no grants: an upsert would bring them back.
    if (deleted) return undefined;
    const granted = grantsOf(person, groups, mappings, tenantIds);
    const current: ChangeAttributes = {
      roles: user.roles ?? null,
      tenants: Object.fromEntries(tenantIds.map((tenant) => [tenant, user.tenants?.[tenant] ?? null])),
    };
    if (isDeepStrictEqual(current, granted)) return undefined;
    return { kind: "upsert", attributes: granted };
  });
}

function grantsOf(
  person: string,
  groups: readonly ScimGroup[],
  mappings: readonly ScimGroupMapping[],
  tenantIds: readonly string[],
): ChangeAttributes {
  const roles = new Set<string>();
  const tenants = new Map<string, Set<string>>();
  for (const group of groups) {
    if (!isMember(group, person)) continue;
    for (const mapping of mappingsOf(group, mappings)) {
      for (const role of mapping.roles) roles.add(role);
      for (const [tenant, tenantRoles] of Object.entries(mapping.tenants)) {
        const set = tenants.get(tenant) ?? new Set<string>();
        for (const role of tenantRoles) set.add(role);
        tenants.set(tenant, set);
      }
    }
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    roles: roles.size > 0 ? sorted(roles) : null,
    tenants: Object.fromEntries(
      tenantIds.map((tenant) => {
        const set = tenants.get(tenant);
        return [tenant, set ? sorted(set) : null];
      }),
    ),
  };
}

/** The mappings a group matches: by displayName (any case) or by id. */
export function mappingsOf(
  group: Pick<ScimGroup, "id" | "displayName">,
  mappings: readonly ScimGroupMapping[],
): ScimGroupMapping[] {
  const name = group.displayName.toLowerCase();
  return mappings.filter((mapping) => mapping.group.toLowerCase() === name || mapping.group === group.id);
}

async function assertDisplayNameFree(displayName: string, id: string | undefined, context: GroupContext) {
  const wanted = displayName.toLowerCase();
  const summaries = await context.groups.store.list(context.source.name);
  const other = summaries.find((group) => group.id !== id && group.displayName.toLowerCase() === wanted);
  if (other)
    throw new ScimError(
      409,
      `displayName "${displayName}" is already used by group "${other.id}"`,
      "uniqueness",
    );
}

async function readGroupRecord(id: string, context: GroupContext): Promise<ScimGroup> {
  const group = (await context.groups.store.get(context.source.name, [id])).get(id);
  if (!group) throw new ScimError(404, `no group with id "${id}"`);
  return group;
}

const unavailable = () => new ScimError(503, "the group could not be written now; retry the request");
