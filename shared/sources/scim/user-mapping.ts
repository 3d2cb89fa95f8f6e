import type { ChangeAttributes } from "../../model/change.ts";
import type { CanonicalUser } from "../../model/user.ts";
import {
  coreUserSchemaUrn,
  enterpriseUserSchemaUrn,
  type MultiValuedAttribute,
  type ScimUser,
} from "./user-schema.ts";

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
 * Maps a full SCIM User to canonical attributes. Every mapped attribute is present (null when the resource
 * lacks it) because a SCIM resource is the whole user.
 */
export function attributesFromScimUser(user: ScimUser, options: { trustEmails: boolean }): ChangeAttributes {
  const enterprise = user[enterpriseUserSchemaUrn];
  const email = preferredValue(user.emails);
  const roles = (user.roles ?? []).flatMap((role) => (role.value ? [role.value] : []));
  return {
    loginId: user.userName,
    email,
    emailVerified: email === null ? null : options.trustEmails,
    phone: preferredValue(user.phoneNumbers),
    givenName: user.name?.givenName ?? null,
    middleName: user.name?.middleName ?? null,
    familyName: user.name?.familyName ?? null,
    displayName: user.displayName ?? user.name?.formatted ?? null,
    picture: preferredValue(user.photos),
    title: user.title ?? null,
    department: enterprise?.department ?? null,
    employeeNumber: enterprise?.employeeNumber ?? null,
    costCenter: enterprise?.costCenter ?? null,
    manager: managerKey(enterprise?.manager),
    roles: roles.length > 0 ? roles : null,
    ...(user.active === null || user.active === undefined ? {} : { active: user.active }),
    ...(user.password ? { password: user.password } : {}),
  };
}

export interface ScimResourceMeta {
  location: string;
  lastModified: string;
}

/** Renders a canonical user as the SCIM User a client reads back (never with a password). */
export function scimUserFromCanonical(
  id: string,
  externalId: string | undefined,
  user: CanonicalUser,
  meta: ScimResourceMeta,
) {
  const hasEnterprise = [user.department, user.employeeNumber, user.costCenter, user.manager].some(
    (value) => value !== undefined,
  );
  const name = { givenName: user.givenName, middleName: user.middleName, familyName: user.familyName };
  return {
    schemas: hasEnterprise ? [coreUserSchemaUrn, enterpriseUserSchemaUrn] : [coreUserSchemaUrn],
    id,
    ...(externalId ? { externalId } : {}),
    userName: user.loginId,
    ...(Object.values(name).some((value) => value !== undefined) ? { name } : {}),
    displayName: user.displayName,
    title: user.title,
    active: user.active ?? true,
    ...(user.email ? { emails: [{ value: user.email, type: "work", primary: true }] } : {}),
    ...(user.phone ? { phoneNumbers: [{ value: user.phone, type: "work", primary: true }] } : {}),
    ...(user.picture ? { photos: [{ value: user.picture, type: "photo", primary: true }] } : {}),
    ...(user.roles ? { roles: user.roles.map((value) => ({ value })) } : {}),
    ...(hasEnterprise
      ? {
          [enterpriseUserSchemaUrn]: {
            employeeNumber: user.employeeNumber,
            costCenter: user.costCenter,
            department: user.department,
            ...(user.manager ? { manager: { value: user.manager } } : {}),
          },
        }
      : {}),
    meta: { resourceType: "User", location: meta.location, lastModified: meta.lastModified },
  };
}
