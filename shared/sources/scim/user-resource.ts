import type { PersonView } from "../../model/person-view.ts";
import type { CanonicalUser } from "../../model/user.ts";
import type { ScimContext } from "./context.ts";
import type { JsonObject } from "./normalise.ts";
import { scimUserFromCanonical, type UserMappingOptions } from "./user-mapping.ts";

/**
 * The user a person is when they are a SCIM User: not deleted, and with a loginId (a person holding only
 * group-granted roles, or an HR person without one, is not a User a client can read).
 */
export function liveUser(view: PersonView | undefined): (CanonicalUser & { loginId: string }) | undefined {
  if (!view) return undefined;
  const { user, deleted } = view;
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
export function renderUser(view: PersonView, context: ScimContext): JsonObject {
  const user = liveUser(view);
  if (!user) throw new Error(`person ${view.person} is not a live SCIM user`);
  const { person, written } = view;
  const externalId = person.toLowerCase() === user.loginId.toLowerCase() ? undefined : person;
  return scimUserFromCanonical(
    person,
    externalId,
    user,
    {
      ...(written ? { created: new Date(written.first).toISOString() } : {}),
      lastModified: new Date(written?.last ?? context.receivedAt).toISOString(),
      location: userLocation(context, person),
    },
    { ...userMappingOptions(context), usersUrl: usersUrl(context) },
  );
}
