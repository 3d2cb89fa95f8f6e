import type { UserKey } from "./requests.ts";
import type { ZitadelView } from "./user-view.ts";
import { getUserSchema, listUsersSchema, userStates, type ZitadelUser } from "./wire.ts";

/** A user as ZITADEL returned it from a search or a get. */
export interface FoundUser {
  userId: string;
  userName: string;
  /** The user's organisation (its resource owner), when ZITADEL said. */
  orgId?: string;
  state: string | undefined;
  /**
   * What ZITADEL holds, as a view to diff against. Parts ZITADEL did not return are empty, so they differ
   * from any wanted value and are sent; metadata is not returned by user queries and is always sent.
   */
  view: ZitadelView;
}

/** Users that cannot sign in: deactivated, or locked (idp-sync locks users ZITADEL cannot deactivate). */
export const isInactiveState = (state: string | undefined) =>
  state === userStates.inactive || state === userStates.locked;

export function toFoundUser(user: ZitadelUser): FoundUser | undefined {
  const userId = user.userId ?? user.id;
  const userName = user.username ?? user.userName;
  if (!userId || !userName || user.state === userStates.deleted) return undefined;
  const { profile, email, phone } = user.human ?? {};
  const orgId = user.details?.resourceOwner;
  return {
    userId,
    userName,
    ...(orgId ? { orgId } : {}),
    state: user.state,
    view: {
      userName,
      profile: {
        firstName: profile?.givenName ?? profile?.firstName ?? "",
        lastName: profile?.familyName ?? profile?.lastName ?? "",
        displayName: profile?.displayName ?? "",
      },
      email: { email: email?.email ?? "", verified: (email?.isVerified ?? email?.isEmailVerified) === true },
      ...(phone?.phone
        ? { phone: { phone: phone.phone, verified: (phone.isVerified ?? phone.isPhoneVerified) === true } }
        : {}),
      metadata: {},
      active: !isInactiveState(user.state),
    },
  };
}

/**
 * The human users of a ListUsers answer that have `key` (compared ignoring case, as ZITADEL does); a
 * service user of that name is nothing idp-sync may take over.
 */
export function readFoundUsers(json: unknown, key: UserKey): FoundUser[] | undefined {
  const parsed = listUsersSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const [wanted, keyOf] =
    "userName" in key
      ? [key.userName, (user: FoundUser) => user.userName]
      : [key.email, (user: FoundUser) => user.view.email.email];
  return (parsed.data.result ?? [])
    .filter((user) => user.human !== undefined)
    .map(toFoundUser)
    .filter((user): user is FoundUser => user !== undefined && same(keyOf(user), wanted));
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The user of a GetUserByID answer. */
export function readFoundUser(json: unknown): FoundUser | undefined {
  const parsed = getUserSchema.safeParse(json);
  return parsed.success ? toFoundUser(parsed.data.user) : undefined;
}
