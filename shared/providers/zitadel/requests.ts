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
  "orgId" | "passwordChangeRequired" | "requestPasswordlessRegistration"
>;

/**
 * The requests of one user API. Paths are the `google.api.http` options of ManagementService
 * (base path /management/v1) and zitadel.user.v2.UserService.
 */
export interface UserApi {
  create(view: ZitadelView, password: ZitadelPassword | undefined, config: RequestConfig): ZitadelRequest;
  /** Whether `create` carries the metadata, or it must be set afterwards. */
  readonly createsMetadata: boolean;
  /** Username, profile, e-mail and phone changes, in as few requests as the API allows. */
  update(userId: string, change: ViewChange): ZitadelRequest[];
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
const v2Email = (email: ZitadelView["email"]) => ({ email: email.email, ...verified(email.verified) });
const v2Phone = (phone: NonNullable<ZitadelView["phone"]>) => ({
  phone: phone.phone,
  ...verified(phone.verified),
});

export const userServiceApi: UserApi = {
  create: (view, password, config) => {
    const metadata = metadataEntries(view.metadata);
    const changeRequired = config.passwordChangeRequired;
    return {
      method: "POST",
      path: "/v2/users/human",
      json: {
        username: view.userName,
        ...(config.orgId ? { organization: { orgId: config.orgId } } : {}),
        profile: v2Profile(view.profile),
        email: v2Email(view.email),
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
  update: (userId, change) => {
    const json = {
      ...(change.userName === undefined ? {} : { username: change.userName }),
      ...(change.profile ? { profile: v2Profile(change.profile) } : {}),
      ...(change.email ? { email: v2Email(change.email) } : {}),
      // An empty number removes the phone (SetHumanPhone.phone has min_len 0).
      ...(change.phone === null ? { phone: { phone: "" } } : {}),
      ...(change.phone ? { phone: v2Phone(change.phone) } : {}),
    };
    return Object.keys(json).length === 0
      ? []
      : [{ method: "PUT", path: `/v2/users/human/${id(userId)}`, json }];
  },
  status: (userId, verb) => ({ method: "POST", path: `/v2/users/${id(userId)}/${verb}`, json: {} }),
  remove: (userId) => ({ method: "DELETE", path: `/v2/users/${id(userId)}` }),
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
  get: (userId) => ({ method: "GET", path: `/v2/users/${id(userId)}` }),
};

export const userApiFor = (api: ZitadelProviderConfig["api"]): UserApi =>
  api === "v2" ? userServiceApi : managementApi;

const metadataEntries = (metadata: Record<string, string>) =>
  Object.entries(metadata).map(([key, value]) => ({ key, value: base64(value) }));

/**
 * Metadata changes through the management API's bulk endpoints (BulkSetUserMetadata,
 * BulkRemoveUserMetadata) for both user APIs: the v2 metadata endpoints are absent from the proto
 * version verified, and these still serve v2 users. A bulk removal fails whole (404) when one key is
 * missing already; then the keys are removed one by one, a missing one counting as removed.
 */
export function metadataRequests(userId: string, change: ViewChange): ZitadelRequest[] {
  const entries = metadataEntries(change.setMetadata);
  const path = `${v1}/${id(userId)}/metadata`;
  return [
    ...(change.removeMetadata.length > 0
      ? [
          {
            method: "DELETE" as const,
            path: `${path}/_bulk`,
            json: { keys: change.removeMetadata },
            onNotFound: change.removeMetadata.map((key) => ({
              method: "DELETE" as const,
              path: `${path}/${encodeURIComponent(key)}`,
              absentIsDone: true as const,
            })),
          },
        ]
      : []),
    ...(entries.length > 0
      ? [{ method: "POST" as const, path: `${path}/_bulk`, json: { metadata: entries } }]
      : []),
  ];
}
