import * as z from "zod/mini";
import "../../model/schema-messages.ts";
import type { DescopeProviderConfig } from "../../config/descope.ts";
import { clientDeps, type ProviderDepsInput } from "../../http/client-deps.ts";
import {
  type CanonicalUser,
  type CustomAttributeValue,
  customAttributeValueSchema,
  type ProfileAttribute,
} from "../../model/user.ts";
import type { ListedUser, ProviderDirectory } from "../../reconcile/ports.ts";
import { sendListingRequest } from "../listing-request.ts";
import { DescopeClient, type DescopeSession } from "./client.ts";
import { type DescopeMappingConfig, textFields, toDescopeProfile, toDescopeStatus } from "./mapping.ts";

export const searchPath = "/v2/mgmt/user/search";

const text = z.nullish(z.string());
const names = z.nullish(z.array(z.string()));
/** A user as search returns it (research §1.0, §1.10); only the fields idp-sync manages are read. */
const searchedUserSchema = z.looseObject({
  userId: z.string().check(z.minLength(1)),
  loginIds: z.nullish(z.array(z.string())),
  email: text,
  phone: text,
  name: text,
  givenName: text,
  middleName: text,
  familyName: text,
  picture: text,
  verifiedEmail: z.nullish(z.boolean()),
  verifiedPhone: z.nullish(z.boolean()),
  roleNames: names,
  userTenants: z.nullish(z.array(z.looseObject({ tenantId: z.string(), roleNames: names }))),
  customAttributes: z.nullish(z.record(z.string(), z.unknown())),
  status: text,
});
type SearchedUser = z.infer<typeof searchedUserSchema>;
const searchResponseSchema = z.looseObject({
  users: z.nullish(z.array(searchedUserSchema)),
  total: z.int().check(z.nonnegative()),
});

const sorted = (list: readonly string[] | null | undefined) => [...new Set(list ?? [])].sort();

/** What a Descope user holds, in canonical terms: the inverse of toDescopeProfile. Pure. */
export function fromDescopeUser(user: SearchedUser, config: DescopeMappingConfig): CanonicalUser {
  const canonical: Record<string, unknown> = {};
  if (user.loginIds?.[0]) canonical.loginId = user.loginIds[0];
  for (const [to, from] of textFields) if (user[from]) canonical[to] = user[from];
  // A flag of an absent address is Descope's default, not something anyone set.
  if (user.email && typeof user.verifiedEmail === "boolean") canonical.emailVerified = user.verifiedEmail;
  if (user.phone && typeof user.verifiedPhone === "boolean") canonical.phoneVerified = user.verifiedPhone;
  if (user.roleNames?.length) canonical.roles = sorted(user.roleNames);
  const tenants = (user.userTenants ?? []).map(({ tenantId, roleNames }) => [tenantId, sorted(roleNames)]);
  if (tenants.length > 0) canonical.tenants = Object.fromEntries(tenants);
  const custom: Record<string, CustomAttributeValue> = {};
  for (const [key, value] of Object.entries(user.customAttributes ?? {})) {
    const parsed = customAttributeValueSchema.safeParse(value);
    if (parsed.success && parsed.data !== "") custom[key] = parsed.data;
  }
  for (const [attribute, name] of Object.entries(config.customAttributeNames)) {
    if (name === undefined || !(name in custom)) continue;
    if (typeof custom[name] === "string") canonical[attribute] = custom[name];
    delete custom[name];
  }
  if (Object.keys(custom).length > 0) canonical.customAttributes = custom;
  canonical.active = user.status !== "disabled";
  return canonical as CanonicalUser;
}

const shownAttributes: ProfileAttribute[] = [
  "loginId",
  "email",
  "phone",
  "displayName",
  "givenName",
  "middleName",
  "familyName",
  "picture",
  "emailVerified",
  "phoneVerified",
  "roles",
  "tenants",
  "customAttributes",
  "active",
];

export interface DescopeDirectoryOptions {
  /** Users per search page: Descope's default is 100, its maximum is not documented. */
  pageSize: number;
}

/**
 * Every user of a Descope project, through `POST /v2/mgmt/user/search` page by page (`page` 0-based),
 * paced like the provider's other calls. A page shorter than asked for before the end means Descope capped
 * the page size: the listing fails rather than skip users.
 */
export function createDescopeDirectory(
  config: DescopeProviderConfig,
  deps: ProviderDepsInput,
  { pageSize }: DescopeDirectoryOptions,
): ProviderDirectory {
  const resolved = clientDeps(deps);
  const client = new DescopeClient(config, resolved);
  let session: Promise<DescopeSession> | undefined;
  const mapped = Object.entries(config.customAttributeNames)
    .filter(([, name]) => name !== undefined)
    .map(([attribute]) => attribute as ProfileAttribute);
  return {
    provider: config.name,
    leaverPolicy: config.leaverPolicy,
    visibleAttributes: [...shownAttributes, ...mapped],
    project: (user) => {
      const { additionalIdentifiers: _derived, ...profile } = toDescopeProfile(user, config);
      return { loginId: user.loginId, ...profile, status: toDescopeStatus(user.active) };
    },
    readPage: async (cursor) => {
      session ??= client.open();
      const opened = await session;
      const page = cursor === undefined ? 0 : Number(cursor);
      const json = { limit: pageSize, page, ...(config.test ? { withTestUser: true } : {}) };
      const response = await sendListingRequest(
        () => opened.send({ method: "POST", path: searchPath, json }),
        resolved.clock,
      );
      const parsed = searchResponseSchema.safeParse(response.json);
      if (!parsed.success) throw new Error(`unexpected search response: ${z.prettifyError(parsed.error)}`);
      const users = parsed.data.users ?? [];
      const more = (page + 1) * pageSize < parsed.data.total;
      if (more && users.length < pageSize)
        throw new Error(
          `Descope returned ${users.length} users for a page of ${pageSize}: lower the page size`,
        );
      return {
        users: users.map((user): ListedUser => listed(user, config)),
        total: parsed.data.total,
        ...(more ? { next: String(page + 1) } : {}),
      };
    },
  };
}

const listed = (user: SearchedUser, config: DescopeMappingConfig): ListedUser => ({
  userId: user.userId,
  loginIds: user.loginIds ?? [],
  ...(user.email ? { email: user.email } : {}),
  user: fromDescopeUser(user, config),
});
