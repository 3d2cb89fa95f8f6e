import * as z from "zod/mini";
import "../../model/schema-messages.ts";

/**
 * ZITADEL's JSON as idp-sync reads it. Request bodies are built in requests.ts; field names are the
 * camelCase JSON names of the proto fields (proto/zitadel/management.proto, proto/zitadel/user.proto,
 * proto/zitadel/user/v2/*.proto). Response schemas are loose: ZITADEL adds fields between versions.
 */

/**
 * An error body in either form ZITADEL answers with: grpc-gateway `{code: 5, message, details}` or
 * Connect `{code: "not_found", message, details}`.
 */
export const errorBodySchema = z.looseObject({
  code: z.optional(z.union([z.int(), z.string()])),
  message: z.optional(z.string()),
  details: z.optional(
    z.array(
      z.looseObject({
        id: z.optional(z.string()),
        message: z.optional(z.string()),
        // Connect bodies carry the ErrorDetail base64 in `value` and readable in `debug`.
        debug: z.optional(z.looseObject({ id: z.optional(z.string()) })),
      }),
    ),
  ),
});

/** ImportHumanUserResponse (v1) and AddHumanUserResponse (v2) both carry the new user's id. */
export const createdUserSchema = z.looseObject({ userId: z.string().check(z.minLength(1)) });

const profileSchema = z.looseObject({
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  givenName: z.optional(z.string()),
  familyName: z.optional(z.string()),
  displayName: z.optional(z.string()),
});
const emailSchema = z.looseObject({
  email: z.optional(z.string()),
  isEmailVerified: z.optional(z.boolean()),
  isVerified: z.optional(z.boolean()),
});
const phoneSchema = z.looseObject({
  phone: z.optional(z.string()),
  isPhoneVerified: z.optional(z.boolean()),
  isVerified: z.optional(z.boolean()),
});

/** A user as v1 (`id`, `userName`) or v2 (`userId`, `username`) returns it. */
export const zitadelUserSchema = z.looseObject({
  id: z.optional(z.string()),
  userId: z.optional(z.string()),
  userName: z.optional(z.string()),
  username: z.optional(z.string()),
  state: z.optional(z.string()),
  /** v1 and v2 ObjectDetails: `resourceOwner` is the user's organisation. */
  details: z.optional(z.looseObject({ resourceOwner: z.optional(z.string()) })),
  human: z.optional(
    z.looseObject({
      profile: z.optional(profileSchema),
      email: z.optional(emailSchema),
      phone: z.optional(phoneSchema),
    }),
  ),
});
export type ZitadelUser = z.infer<typeof zitadelUserSchema>;

/** ListUsersResponse (v1 `_search` and v2 `POST /v2/users`). */
export const listUsersSchema = z.looseObject({ result: z.optional(z.array(zitadelUserSchema)) });
/** GetUserByIDResponse (v1 and v2). */
export const getUserSchema = z.looseObject({ user: zitadelUserSchema });

/** The token endpoint's answer to a JWT profile grant (RFC 6749 §5.1). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.positive()),
});

/** UserState, the same names in v1 and v2 (v1 also has USER_STATE_SUSPEND, never set by ZITADEL). */
export const userStates = {
  active: "USER_STATE_ACTIVE",
  inactive: "USER_STATE_INACTIVE",
  locked: "USER_STATE_LOCKED",
  initial: "USER_STATE_INITIAL",
  deleted: "USER_STATE_DELETED",
} as const;
