import type { SimUser } from "./user-store.ts";

/** How ZITADEL's JSON shows users: proto3 JSON names, timestamps as RFC 3339, 64-bit numbers as strings. */

const iso = (ms: number) => new Date(ms).toISOString();

export const objectDetails = (user: SimUser) => ({
  sequence: String(user.sequence),
  creationDate: iso(user.createdAt),
  changeDate: iso(user.changedAt),
  resourceOwner: user.orgId,
});

const loginNames = (user: SimUser) => ({
  loginNames: [user.userName],
  preferredLoginName: user.userName,
});

/** zitadel.user.v1.User. */
export const renderV1User = (user: SimUser) => ({
  id: user.userId,
  details: objectDetails(user),
  state: user.state,
  userName: user.userName,
  ...loginNames(user),
  human: {
    profile: user.profile,
    email: { email: user.email.value, isEmailVerified: user.email.verified },
    ...(user.phone ? { phone: { phone: user.phone.value, isPhoneVerified: user.phone.verified } } : {}),
  },
});

/** zitadel.user.v2.User. */
export const renderV2User = (user: SimUser) => ({
  userId: user.userId,
  details: objectDetails(user),
  state: user.state,
  username: user.userName,
  ...loginNames(user),
  human: {
    profile: {
      givenName: user.profile.firstName,
      familyName: user.profile.lastName,
      nickName: user.profile.nickName,
      displayName: user.profile.displayName,
      preferredLanguage: user.profile.preferredLanguage,
      gender: user.profile.gender,
    },
    email: { email: user.email.value, isVerified: user.email.verified },
    phone: user.phone ? { phone: user.phone.value, isVerified: user.phone.verified } : {},
    passwordChangeRequired: user.passwordChangeRequired,
  },
});

/** The test surface's view: the v2 user plus its organisation, whether it has a password, metadata decoded. */
export const renderSimUser = (user: SimUser) => ({
  ...renderV2User(user),
  organizationId: user.orgId,
  hasPassword: user.hasPassword,
  mails: [...user.mails],
  metadata: Object.fromEntries(
    [...user.metadata].map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]),
  ),
});
