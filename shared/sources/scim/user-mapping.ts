import type { KeepableScimAttribute } from "../../config/scim.ts";
import type { ChangeAttributes } from "../../model/change.ts";
import type { CanonicalUser } from "../../model/user.ts";
import { isObject, type JsonObject } from "./normalise.ts";
import { coreUserSchemaUrn, enterpriseUserSchemaUrn, keepableLocation } from "./resource-schemas.ts";
import type { MultiValuedAttribute, ScimUser } from "./user-schema.ts";

export interface UserMappingOptions {
  /** Whether the e-mail addresses the client sends count as verified. */
  trustEmails: boolean;
  /** Whether the User's `roles` attribute sets the roles; false when group mappings own them. Default true. */
  ownsRoles?: boolean;
  /** SCIM attributes kept as custom attributes: SCIM name → customAttributes key. */
  customAttributes?: Partial<Record<KeepableScimAttribute, string>>;
}

/** The value a multi-valued attribute stands for: the primary entry, else the work one, else the first. */
function preferredValue(items: readonly MultiValuedAttribute[] | null | undefined): string | null {
  if (!items || items.length === 0) return null;
  const chosen =
    items.find((item) => item.primary === true) ??
    items.find((item) => item.type?.toLowerCase() === "work") ??
    items[0];
  return chosen?.value ?? null;
}

const managerKey = (manager: NonNullable<ScimUser[typeof enterpriseUserSchemaUrn]>["manager"]) =>
  (typeof manager === "string" ? manager : manager?.value) || null;

/**
 * Maps a full SCIM User to the canonical attributes a SCIM User owns. Every one of them is present (null when
 * the resource lacks it) because a SCIM resource is the whole user; `active` and the password only when given,
 * since a replacement that omits them must neither re-enable nor disable anyone.
 */
export function attributesFromScimUser(user: ScimUser, options: UserMappingOptions): ChangeAttributes {
  const enterprise = user[enterpriseUserSchemaUrn];
  const email = preferredValue(user.emails);
  const attributes: ChangeAttributes = {
    loginId: user.userName,
    email,
    emailVerified: email === null ? null : options.trustEmails,
    phone: preferredValue(user.phoneNumbers),
    givenName: user.name?.givenName ?? null,
    middleName: user.name?.middleName ?? null,
    familyName: user.name?.familyName ?? null,
    displayName: user.displayName ?? null,
    picture: preferredValue(user.photos),
    title: user.title ?? null,
    department: enterprise?.department ?? null,
    employeeNumber: enterprise?.employeeNumber ?? null,
    costCenter: enterprise?.costCenter ?? null,
    manager: managerKey(enterprise?.manager),
    ...(user.active === null || user.active === undefined ? {} : { active: user.active }),
    ...(user.password ? { password: user.password } : {}),
  };
  if (options.ownsRoles !== false) {
    const roles = (user.roles ?? []).flatMap((role) => (role.value ? [role.value] : []));
    attributes.roles = roles.length > 0 ? roles : null;
  }
  const kept = Object.entries(options.customAttributes ?? {}) as [KeepableScimAttribute, string][];
  if (kept.length > 0)
    attributes.customAttributes = Object.fromEntries(kept.map(([name, key]) => [key, keptValue(user, name)]));
  return attributes;
}

function keptValue(user: ScimUser, name: KeepableScimAttribute): string | null {
  const { extension, path } = keepableLocation(name);
  let node: unknown = extension === undefined ? user : user[enterpriseUserSchemaUrn];
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return typeof node === "string" && node !== "" ? node : null;
}

export interface UserResourceMeta {
  created?: string;
  lastModified: string;
  location: string;
}

export interface UserRenderOptions extends UserMappingOptions {
  /** …/v2/Users, to write the manager's $ref. */
  usersUrl: string;
}

/** Renders a canonical user as the SCIM User a client reads back (never with a password), in normal form. */
export function scimUserFromCanonical(
  id: string,
  externalId: string | undefined,
  user: CanonicalUser,
  meta: UserResourceMeta,
  options: UserRenderOptions,
): JsonObject {
  const name = defined({
    givenName: user.givenName,
    middleName: user.middleName,
    familyName: user.familyName,
  });
  const enterprise = defined({
    employeeNumber: user.employeeNumber,
    costCenter: user.costCenter,
    department: user.department,
    manager: user.manager
      ? { value: user.manager, $ref: `${options.usersUrl}/${encodeURIComponent(user.manager)}` }
      : undefined,
  });
  const resource: JsonObject = defined({
    schemas: [coreUserSchemaUrn],
    id,
    externalId,
    userName: user.loginId,
    displayName: user.displayName,
    title: user.title,
    active: user.active ?? true,
    emails: user.email ? [{ value: user.email, type: "work", primary: true }] : undefined,
    phoneNumbers: user.phone ? [{ value: user.phone, type: "work", primary: true }] : undefined,
    photos: user.picture ? [{ value: user.picture, type: "photo", primary: true }] : undefined,
    roles: options.ownsRoles !== false && user.roles ? user.roles.map((value) => ({ value })) : undefined,
  });
  if (Object.keys(name).length > 0) resource.name = name;
  if (Object.keys(enterprise).length > 0) resource[enterpriseUserSchemaUrn] = enterprise;
  const kept = Object.entries(options.customAttributes ?? {}) as [KeepableScimAttribute, string][];
  for (const [attribute, key] of kept) {
    const value = user.customAttributes?.[key];
    if (typeof value === "string") place(resource, attribute, value);
  }
  if (resource[enterpriseUserSchemaUrn]) resource.schemas = [coreUserSchemaUrn, enterpriseUserSchemaUrn];
  resource.meta = defined({ resourceType: "User", ...meta });
  return resource;
}

function place(resource: JsonObject, attribute: KeepableScimAttribute, value: string): void {
  const { extension, path } = keepableLocation(attribute);
  let node = resource;
  for (const key of [...(extension === undefined ? [] : [extension]), ...path.slice(0, -1)]) {
    const child = isObject(node[key]) ? node[key] : {};
    node[key] = child;
    node = child;
  }
  node[path.at(-1) as string] = value;
}

const defined = (object: Record<string, unknown>): JsonObject =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
