import { isDeepStrictEqual } from "node:util";
import type { DescopeProviderConfig } from "../../config/descope.ts";
import type { CanonicalUser, CustomAttributeValue, ImportSecrets } from "../../model/user.ts";
import type {
  DescopeCreateUser,
  DescopePatchUser,
  DescopeStatus,
  DescopeUserFields,
  DescopeUserTenant,
  LoadedUser,
} from "./wire.ts";

export type DescopeMappingConfig = Pick<
  DescopeProviderConfig,
  | "customAttributeNames"
  | "additionalIdentifiersFrom"
  | "createStatus"
  | "ssoAppIds"
  | "test"
  | "afterUnconfirmed"
>;

/** Every managed field but the loginId, which addresses the user rather than describing it. */
export type DescopeProfile = Omit<DescopeUserFields, "loginId">;

/** A canonical user that can exist at Descope: one with a loginId. */
export type AddressableUser = CanonicalUser & { loginId: string };

/** Canonical text attributes and the Descope fields they are stored in. */
export const textFields = [
  ["email", "email"],
  ["phone", "phone"],
  ["displayName", "name"],
  ["givenName", "givenName"],
  ["middleName", "middleName"],
  ["familyName", "familyName"],
  ["picture", "picture"],
] as const satisfies readonly (readonly [keyof CanonicalUser, keyof DescopeProfile])[];

/**
 * The Descope fields a canonical user maps to. Empty values (empty strings, lists, maps) are left out:
 * Descope stores them as empty anyway, and leaving them out keeps create bodies minimal and makes
 * "empty" and "absent" compare equal when diffing.
 */
export function toDescopeProfile(user: CanonicalUser, config: DescopeMappingConfig): DescopeProfile {
  const profile: DescopeProfile = {};
  for (const [from, to] of textFields) {
    const value = user[from];
    if (value) profile[to] = value;
  }
  if (user.emailVerified !== undefined) profile.verifiedEmail = user.emailVerified;
  if (user.phoneVerified !== undefined) profile.verifiedPhone = user.phoneVerified;
  if (user.roles?.length) profile.roleNames = [...user.roles];
  const tenants = toUserTenants(user.tenants ?? {});
  if (tenants.length > 0) profile.userTenants = tenants;
  const custom = toCustomAttributes(user, config.customAttributeNames);
  if (Object.keys(custom).length > 0) profile.customAttributes = custom;
  const additional = toAdditionalIdentifiers(user, config.additionalIdentifiersFrom);
  if (additional.length > 0) profile.additionalIdentifiers = additional;
  return profile;
}

/** Sorted by tenant id so the same tenants always give the same body. */
function toUserTenants(tenants: Record<string, string[]>): DescopeUserTenant[] {
  return Object.entries(tenants)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tenantId, roleNames]) => ({ tenantId, roleNames: [...roleNames] }));
}

/** A custom attribute named in `customAttributeNames` belongs to the canonical attribute mapped to it. */
function toCustomAttributes(
  user: CanonicalUser,
  names: DescopeMappingConfig["customAttributeNames"],
): Record<string, CustomAttributeValue> {
  const custom: Record<string, CustomAttributeValue> = { ...user.customAttributes };
  for (const [attribute, name] of Object.entries(names) as [keyof typeof names, string | undefined][]) {
    if (name === undefined) continue;
    delete custom[name];
    const value = user[attribute];
    if (value) custom[name] = value;
  }
  return custom;
}

function toAdditionalIdentifiers(
  user: CanonicalUser,
  from: DescopeMappingConfig["additionalIdentifiersFrom"],
): string[] {
  const identifiers: string[] = [];
  for (const attribute of from) {
    const value = user[attribute];
    if (value && value !== user.loginId && !identifiers.includes(value)) identifiers.push(value);
  }
  return identifiers;
}

/** Canonical `active` as a Descope status; absent means nobody deactivated the person. */
export const toDescopeStatus = (active: boolean | null | undefined): DescopeStatus =>
  active === false ? "disabled" : "enabled";

/** Per-provider constants every created or overwritten user carries. */
function providerConstants(config: DescopeMappingConfig): Pick<DescopeCreateUser, "ssoAppIds" | "test"> {
  return {
    ...(config.ssoAppIds ? { ssoAppIds: [...config.ssoAppIds] } : {}),
    ...(config.test ? { test: true } : {}),
  };
}

/**
 * A user for batch create. Without a configured `createStatus` an active user gets no status, so Descope's
 * default (`invited`) applies; an inactive one is created `disabled`. Import secrets go only here: Descope
 * takes exactly one of `password` and `hashedPassword`, and a hash given by the source wins.
 */
export function toDescopeCreateUser(
  user: AddressableUser,
  config: DescopeMappingConfig,
  secrets?: ImportSecrets,
): DescopeCreateUser {
  const status = user.active === false ? "disabled" : config.createStatus;
  return {
    loginId: user.loginId,
    ...toDescopeProfile(user, config),
    ...(status ? { status } : {}),
    ...providerConstants(config),
    ...(secrets?.hashedPassword
      ? { hashedPassword: secrets.hashedPassword }
      : secrets?.password
        ? { password: secrets.password }
        : {}),
  };
}

/**
 * The body of a full overwrite (`/v1/mgmt/user/update`): every field Descope should keep, since whatever
 * is missing is removed. Status is not part of it; it is changed by patch.
 */
export function toDescopeOverwriteUser(
  loginId: string,
  user: CanonicalUser,
  config: DescopeMappingConfig,
): DescopeCreateUser {
  return { loginId, ...toDescopeProfile(user, config), ...providerConstants(config) };
}

/**
 * A patch that makes an existing user look like `user` in every field idp-sync knows. Fields the user
 * lacks are left as Descope has them: the account existed before idp-sync, and roles or tenants granted
 * there are not idp-sync's to remove. The source's `active` decides the status.
 */
export function toDescopeAdoptingPatch(
  user: AddressableUser,
  config: DescopeMappingConfig,
): DescopePatchUser {
  return {
    loginId: user.loginId,
    ...toDescopeProfile(user, config),
    ...(user.active === undefined ? {} : { status: toDescopeStatus(user.active) }),
  };
}

/** Lists a patch clears by sending `[]`. */
const listFields = new Set<keyof DescopeProfile>(["roleNames", "userTenants", "additionalIdentifiers"]);
/** Flags a patch clears by sending `false` (not verified). */
const flagFields = new Set<keyof DescopeProfile>(["verifiedEmail", "verifiedPhone"]);

export interface ProfileChange {
  /** The fields to send in a patch, each with its new value. */
  fields: Partial<DescopeProfile>;
  /**
   * True when some field must be removed and patch cannot do it: patch is presence-based, so an absent or
   * empty text field is left unchanged. The same holds for custom attribute keys, because whether patch
   * replaces or merges the map is undocumented; only a full overwrite removes a key either way.
   */
  needsOverwrite: boolean;
}

/** What changes between two Descope profiles, and whether a patch can express it. */
export function diffDescopeProfiles(before: DescopeProfile, after: DescopeProfile): ProfileChange {
  const fields: Record<string, unknown> = {};
  let needsOverwrite = false;
  const names = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof DescopeProfile>;
  for (const name of names) {
    const value = after[name];
    if (isDeepStrictEqual(before[name], value)) continue;
    if (value !== undefined) {
      // The whole map is sent: right whether patch replaces the map or merges keys into it.
      fields[name] = value;
      if (name === "customAttributes")
        needsOverwrite ||= removesKeys(before.customAttributes, after.customAttributes);
    } else if (listFields.has(name)) fields[name] = [];
    else if (flagFields.has(name)) fields[name] = false;
    else needsOverwrite = true;
  }
  return { fields: fields as Partial<DescopeProfile>, needsOverwrite };
}

const removesKeys = (before: object | undefined, after: object | undefined) =>
  Object.keys(before ?? {}).some((key) => !Object.hasOwn(after ?? {}, key));

/**
 * A loaded user as a profile, in the form toDescopeProfile gives: empty values left out, tenants as
 * `{tenantId, roleNames}`, the login ids besides `loginId` as additional identifiers.
 */
export function heldProfile(loaded: LoadedUser, loginId: string): DescopeProfile {
  const profile: DescopeProfile = {};
  const set = <K extends keyof DescopeProfile>(name: K, value: DescopeProfile[K] | null | undefined) => {
    const empty =
      value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
    if (!empty) profile[name] = value;
  };
  for (const [, field] of textFields) set(field, loaded[field]);
  if (typeof loaded.verifiedEmail === "boolean") profile.verifiedEmail = loaded.verifiedEmail;
  if (typeof loaded.verifiedPhone === "boolean") profile.verifiedPhone = loaded.verifiedPhone;
  set("roleNames", loaded.roleNames);
  set(
    "userTenants",
    (loaded.userTenants ?? [])
      .map((tenant) => ({ tenantId: tenant.tenantId, roleNames: [...(tenant.roleNames ?? [])] }))
      .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0)),
  );
  const custom = loaded.customAttributes ?? {};
  if (Object.keys(custom).length > 0)
    profile.customAttributes = custom as Record<string, CustomAttributeValue>;
  set(
    "additionalIdentifiers",
    (loaded.loginIds ?? []).filter((id) => id.toLowerCase() !== loginId.toLowerCase()),
  );
  return profile;
}
