import type { CanonicalUser } from "../../model/user.ts";
import { materialize } from "../../sync/desired-state.ts";
import type { PersonRecord } from "../../sync/person-record.ts";
import type { ScimContext } from "./context.ts";
import type { JsonObject } from "./normalise.ts";
import { stampRange } from "./stamps.ts";
import { scimUserFromCanonical, type UserMappingOptions } from "./user-mapping.ts";

/**
 * The user a record describes, when it is a SCIM User: not deleted, and with a loginId (a record holding only
 * group-granted roles, or an HR record without one, is not a User a client can read).
 */
export function liveUser(
  record: PersonRecord | undefined,
): (CanonicalUser & { loginId: string }) | undefined {
  if (!record) return undefined;
  const { user, deleted } = materialize(record.desired);
  return !deleted && user.loginId !== undefined ? (user as CanonicalUser & { loginId: string }) : undefined;
}

export const usersUrl = (context: ScimContext) => `${context.baseUrl}/Users`;
export const userLocation = (context: ScimContext, id: string) =>
  `${usersUrl(context)}/${encodeURIComponent(id)}`;

export const userMappingOptions = (context: ScimContext): UserMappingOptions => ({
  trustEmails: context.source.emailsVerified,
  ownsRoles: context.source.groupMappings.length === 0,
  customAttributes: context.source.customAttributes,
});

/**
 * The SCIM User a live record stands for, as every read answers it. `id` is the person key. The store keeps
 * no externalId: the key is the externalId when the client gave one, else the userName, so externalId is
 * shown when the key differs from the userName. meta times are the oldest and newest accepted writes.
 */
export function renderUser(record: PersonRecord, context: ScimContext): JsonObject {
  const user = liveUser(record);
  if (!user) throw new Error(`person ${record.person} is not a live SCIM user`);
  const range = stampRange(record.desired);
  const externalId = record.person.toLowerCase() === user.loginId.toLowerCase() ? undefined : record.person;
  return scimUserFromCanonical(
    record.person,
    externalId,
    user,
    {
      ...(range ? { created: new Date(range.oldest).toISOString() } : {}),
      lastModified: new Date(range?.newest ?? context.receivedAt).toISOString(),
      location: userLocation(context, record.person),
    },
    { ...userMappingOptions(context), usersUrl: usersUrl(context) },
  );
}
