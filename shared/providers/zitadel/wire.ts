import { z } from "zod";

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
  code: z.union([z.int(), z.string()]).optional(),
  message: z.string().optional(),
  details: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        message: z.string().optional(),
        // Connect bodies carry the ErrorDetail base64 in `value` and readable in `debug`.
        debug: z.looseObject({ id: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

/** ImportHumanUserResponse (v1) and AddHumanUserResponse (v2) both carry the new user's id. */
export const createdUserSchema = z.looseObject({ userId: z.string().min(1) });

const profileSchema = z.looseObject({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  displayName: z.string().optional(),
});
const emailSchema = z.looseObject({
  email: z.string().optional(),
  isEmailVerified: z.boolean().optional(),
  isVerified: z.boolean().optional(),
});
const phoneSchema = z.looseObject({
  phone: z.string().optional(),
  isPhoneVerified: z.boolean().optional(),
  isVerified: z.boolean().optional(),
});

/** A user as v1 (`id`, `userName`) or v2 (`userId`, `username`) returns it. */
export const zitadelUserSchema = z.looseObject({
  id: z.string().optional(),
  userId: z.string().optional(),
  userName: z.string().optional(),
  username: z.string().optional(),
  state: z.string().optional(),
  /** v1 and v2 ObjectDetails: `resourceOwner` is the user's organisation. */
  details: z.looseObject({ resourceOwner: z.string().optional() }).optional(),
  human: z
    .looseObject({
      profile: profileSchema.optional(),
      email: emailSchema.optional(),
      phone: phoneSchema.optional(),
    })
    .optional(),
});
export type ZitadelUser = z.infer<typeof zitadelUserSchema>;

/** ListUsersResponse (v1 `_search` and v2 `POST /v2/users`). */
export const listUsersSchema = z.looseObject({ result: z.array(zitadelUserSchema).optional() });
/** GetUserByIDResponse (v1 and v2). */
export const getUserSchema = z.looseObject({ user: zitadelUserSchema });

/** The token endpoint's answer to a JWT profile grant (RFC 6749 §5.1). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

/** UserState, the same names in v1 and v2 (v1 also has USER_STATE_SUSPEND, never set by ZITADEL). */
export const userStates = {
  active: "USER_STATE_ACTIVE",
  inactive: "USER_STATE_INACTIVE",
  locked: "USER_STATE_LOCKED",
  initial: "USER_STATE_INITIAL",
  deleted: "USER_STATE_DELETED",
} as const;
