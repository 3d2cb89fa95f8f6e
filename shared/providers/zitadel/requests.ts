import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import type { HttpRequest } from "../../http/request.ts";
import type { ZitadelPassword } from "./password.ts";
import type { ViewChange, ZitadelView } from "./user-view.ts";

/** One call to ZITADEL, relative to the instance URL. */
export interface ZitadelRequest {
  method: HttpRequest["method"];
  path: string;
  json?: unknown;
  /**
   * A removal whose 404 means the thing is gone already. ZITADEL answers 404 alike when the whole user is
   * gone; that is left to a later request or the next change to find out.
   */
  absentIsDone?: true;
  /** Requests to send instead when this one is answered 404. */
  onNotFound?: ZitadelRequest[];
}

export type StatusVerb = "deactivate" | "reactivate" | "lock" | "unlock";

export type RequestConfig = Pick<
  ZitadelProviderConfig,
  "orgId" | "passwordChangeRequired" | "requestPasswordlessRegistration" | "verificationEmail"
>;

/**
 * The requests of one user API. Paths are the `google.api.http` options of ManagementService
 * (base path /management/v1) and zitadel.user.v2.UserService.
 */
export interface UserApi {
  /** `userId`: the id the user is created with, where the API lets the caller choose it. */
  create(
    view: ZitadelView,
    password: ZitadelPassword | undefined,
    config: RequestConfig,
    userId?: string,
  ): ZitadelRequest;
  /** Whether `create` carries the metadata, or it must be set afterwards. */
  readonly createsMetadata: boolean;
  /** Whether `create` takes a caller-chosen user id (v2 AddHumanUser.user_id). */
  readonly choosesUserId: boolean;
  /** Username, profile, e-mail and phone changes, in as few requests as the API allows. */
  update(userId: string, change: ViewChange, config: RequestConfig): ZitadelRequest[];
  /** Metadata changes: removals first, then the values set. */
  metadata(userId: string, change: ViewChange): ZitadelRequest[];
  status(userId: string, verb: StatusVerb): ZitadelRequest;
  remove(userId: string): ZitadelRequest;
  /** Lists the human users with this username or e-mail (at most two: a second means ambiguity). */
  find(key: UserKey, config: RequestConfig): ZitadelRequest;
  get(userId: string): ZitadelRequest;
}

const v1 = "/management/v1/users";
const id = (userId: string) => encodeURIComponent(userId);
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** What a search looks a user up by. */
export type UserKey = { userName: string } | { email: string };

/** Exact match, ignoring case as ZITADEL's uniqueness does (user.proto / user/v2/query.proto SearchQuery). */
const keyQuery = (key: UserKey) => {
  const method = "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE";
  return "userName" in key
    ? { userNameQuery: { userName: key.userName, method } }
    : { emailQuery: { emailAddress: key.email, method } };
};

export const managementApi: UserApi = {
  create: (view, password, config) => ({
    method: "POST",
    path: `${v1}/human/_import`,
    json: {
      userName: view.userName,
      profile: view.profile,
      email: { email: view.email.email, isEmailVerified: view.email.verified },
      ...(view.phone ? { phone: { phone: view.phone.phone, isPhoneVerified: view.phone.verified } } : {}),
      ...(password === undefined
        ? {}
        : {
            ...("hash" in password ? { hashedPassword: { value: password.hash } } : password),
            passwordChangeRequired: config.passwordChangeRequired,
          }),
      ...(config.requestPasswordlessRegistration ? { requestPasswordlessRegistration: true } : {}),
    },
  }),
  createsMetadata: false,
  choosesUserId: false,
  update: (userId, change) => [
    ...(change.userName === undefined
      ? []
      : [
          {
            method: "PUT" as const,
            path: `${v1}/${id(userId)}/username`,
            json: { userName: change.userName },
          },
        ]),
    ...(change.profile
      ? [{ method: "PUT" as const, path: `${v1}/${id(userId)}/profile`, json: change.profile }]
      : []),
    ...(change.email
      ? [
          {
            method: "PUT" as const,
            path: `${v1}/${id(userId)}/email`,
            json: { email: change.email.email, isEmailVerified: change.email.verified },
          },
        ]
      : []),
    ...(change.phone === null
      ? [{ method: "DELETE" as const, path: `${v1}/${id(userId)}/phone`, absentIsDone: true as const }]
      : []),
    ...(change.phone
      ? [
          {
            method: "PUT" as const,
            path: `${v1}/${id(userId)}/phone`,
            json: { phone: change.phone.phone, isPhoneVerified: change.phone.verified },
          },
        ]
      : []),
  ],
  metadata: (userId, change) => metadataRequests(`${v1}/${id(userId)}/metadata`, change, "v1"),
  status: (userId, verb) => ({ method: "POST", path: `${v1}/${id(userId)}/_${verb}`, json: {} }),
  remove: (userId) => ({ method: "DELETE", path: `${v1}/${id(userId)}` }),
  find: (key) => ({
    method: "POST",
    path: `${v1}/_search`,
    json: { query: { limit: 2 }, queries: [keyQuery(key)] },
  }),
  get: (userId) => ({ method: "GET", path: `${v1}/${id(userId)}` }),
};

/** v2 marks a verified address with `isVerified: true`; leaving it out makes ZITADEL send a code. */
const verified = (isVerified: boolean) => (isVerified ? { isVerified: true } : {});
const v2Profile = (profile: ZitadelView["profile"]) => ({
  givenName: profile.firstName,
  familyName: profile.lastName,
  displayName: profile.displayName,
});
/**
 * An unverified address makes ZITADEL mail a verification code (sendCode, its default) unless the code is
 * asked back (returnCode), which idp-sync then drops: no mail (AddHumanUser, UpdateHumanUser; email.proto).
 */
const v2Email = (email: ZitadelView["email"], config: RequestConfig) => ({
  email: email.email,
  ...(email.verified
    ? { isVerified: true }
    : config.verificationEmail === "send"
      ? { sendCode: {} }
      : { returnCode: {} }),
});
const v2Phone = (phone: NonNullable<ZitadelView["phone"]>) => ({
  phone: phone.phone,
  ...verified(phone.verified),
});
const v2User = (userId: string) => `/v2/users/${id(userId)}`;

export const userServiceApi: UserApi = {
  create: (view, password, config, userId) => {
    const metadata = metadataEntries(view.metadata);
    const changeRequired = config.passwordChangeRequired;
    return {
      method: "POST",
      path: "/v2/users/human",
      json: {
        ...(userId ? { userId } : {}),
        username: view.userName,
        ...(config.orgId ? { organization: { orgId: config.orgId } } : {}),
        profile: v2Profile(view.profile),
        email: v2Email(view.email, config),
        ...(view.phone ? { phone: v2Phone(view.phone) } : {}),
        ...(metadata.length > 0 ? { metadata } : {}),
        ...(password === undefined
          ? {}
          : "hash" in password
            ? { hashedPassword: { hash: password.hash, changeRequired } }
            : { password: { password: password.password, changeRequired } }),
      },
    };
  },
  createsMetadata: true,
  choosesUserId: true,
  update: (userId, change, config) => {
    const json = {
      ...(change.userName === undefined ? {} : { username: change.userName }),
      ...(change.profile ? { profile: v2Profile(change.profile) } : {}),
      ...(change.email ? { email: v2Email(change.email, config) } : {}),
      ...(change.phone ? { phone: v2Phone(change.phone) } : {}),
    };
    return [
      ...(Object.keys(json).length === 0
        ? []
        : [{ method: "PUT" as const, path: `/v2/users/human/${id(userId)}`, json }]),
      // UpdateHumanUser ignores an empty number (internal/command/user_v2_human.go): RemovePhone removes it.
      ...(change.phone === null
        ? [{ method: "DELETE" as const, path: `${v2User(userId)}/phone`, json: {} }]
        : []),
    ];
  },
  metadata: (userId, change) => metadataRequests(`${v2User(userId)}/metadata`, change, "v2"),
  status: (userId, verb) => ({ method: "POST", path: `${v2User(userId)}/${verb}`, json: {} }),
  remove: (userId) => ({ method: "DELETE", path: v2User(userId) }),
  find: (key, config) => ({
    method: "POST",
    path: "/v2/users",
    json: {
      query: { limit: 2 },
      queries: [
        keyQuery(key),
        ...(config.orgId ? [{ organizationIdQuery: { organizationId: config.orgId } }] : []),
      ],
    },
  }),
  get: (userId) => ({ method: "GET", path: v2User(userId) }),
};

/**
 * Users of every organisation with this username (v2 ListUsers without an organisation query, whichever
 * API idp-sync writes with): usernames are unique across the instance by default, so a create can be
 * refused for a user idp-sync's organisation does not list.
 */
export const findInstanceWide = (userName: string): ZitadelRequest => ({
  method: "POST",
  path: "/v2/users",
  json: { query: { limit: 2 }, queries: [keyQuery({ userName })] },
});

export const userApiFor = (api: ZitadelProviderConfig["api"]): UserApi =>
  api === "v2" ? userServiceApi : managementApi;

const metadataEntries = (metadata: Record<string, string>) =>
  Object.entries(metadata).map(([key, value]) => ({ key, value: base64(value) }));

/**
 * Metadata changes: v1 BulkRemoveUserMetadata / BulkSetUserMetadata (`…/metadata/_bulk`), v2
 * DeleteUserMetadata / SetUserMetadata (`/v2/users/{id}/metadata`, user_service.proto). A removal fails
 * whole (404) when one key is missing already (BulkRemoveUserMetadata, which v2 shares); then the keys are
 * removed one by one, a missing one counting as removed.
 */
function metadataRequests(path: string, change: ViewChange, api: "v1" | "v2"): ZitadelRequest[] {
  const entries = metadataEntries(change.setMetadata);
  const bulkPath = api === "v1" ? `${path}/_bulk` : path;
  const removeOne = (key: string): ZitadelRequest =>
    api === "v1"
      ? { method: "DELETE", path: `${path}/${encodeURIComponent(key)}`, absentIsDone: true }
      : { method: "DELETE", path, json: { keys: [key] }, absentIsDone: true };
  return [
    ...(change.removeMetadata.length > 0
      ? [
          {
            method: "DELETE" as const,
            path: bulkPath,
            json: { keys: change.removeMetadata },
            onNotFound: change.removeMetadata.map(removeOne),
          },
        ]
      : []),
    ...(entries.length > 0 ? [{ method: "POST" as const, path: bulkPath, json: { metadata: entries } }] : []),
  ];
}
