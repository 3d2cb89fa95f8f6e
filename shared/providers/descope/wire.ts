import * as z from "zod/mini";
import "../../model/schema-messages.ts";
import type { CustomAttributeValue, HashedPassword } from "../../model/user.ts";

/**
 * The user fields idp-sync manages, as Descope's management API names them in request bodies (the docs'
 * JSON names: `name`, `additionalIdentifiers`; the SDKs' aliases are not used).
 */
export interface DescopeUserFields {
  loginId: string;
  email?: string;
  verifiedEmail?: boolean;
  phone?: string;
  verifiedPhone?: boolean;
  name?: string;
  givenName?: string;
  middleName?: string;
  familyName?: string;
  picture?: string;
  roleNames?: string[];
  userTenants?: DescopeUserTenant[];
  customAttributes?: Record<string, CustomAttributeValue>;
  additionalIdentifiers?: string[];
}

export interface DescopeUserTenant {
  tenantId: string;
  roleNames: string[];
}

export type DescopeStatus = "enabled" | "disabled" | "invited";

/** One element of `users` in `POST /v1/mgmt/user/create/batch`; also the body of a full overwrite. */
export interface DescopeCreateUser extends DescopeUserFields {
  status?: DescopeStatus;
  ssoAppIds?: string[];
  test?: boolean;
  password?: string;
  hashedPassword?: HashedPassword;
}

/** One element of `users` in `PATCH /v1/mgmt/user/patch/batch`: only the fields present change. */
export type DescopePatchUser = Partial<DescopeUserFields> & { loginId: string; status?: DescopeStatus };

/** `{errorCode, errorDescription, errorMessage}`, the body of every Descope error. */
export const descopeErrorSchema = z.looseObject({
  errorCode: z.string(),
  errorDescription: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
});

/** The codes whose meaning changes what happens next; every other code is reported as it is. */
export const descopeErrorCodes = {
  userNotFound: "E112102",
  userAlreadyExists: "E062107",
} as const;

/** The parts of a returned user that identify it; everything else is not read. */
const returnedUserSchema = z.looseObject({
  userId: z.optional(z.string()),
  loginIds: z.optional(z.array(z.string())),
  /** Present when Descope echoes the request user in a failure rather than a stored one. */
  loginId: z.optional(z.string()),
});
export type ReturnedUser = z.infer<typeof returnedUserSchema>;

export const singleUserResponseSchema = z.looseObject({ user: returnedUserSchema });

/** Response of batch create (`createdUsers`) and batch patch (`patchedUsers`); per-user failures inside. */
export const batchResponseSchema = z.looseObject({
  createdUsers: z.nullish(z.array(returnedUserSchema)),
  patchedUsers: z.nullish(z.array(returnedUserSchema)),
  failedUsers: z.nullish(
    z.array(z.looseObject({ failure: z.nullish(z.string()), user: z.nullish(returnedUserSchema) })),
  ),
  additionalErrors: z.nullish(z.record(z.string(), z.string())),
});

/**
 * A user as `GET /v1/mgmt/user` returns it (docs load-user; research/descope.md §1.0): Descope returns
 * empty strings and lists rather than leaving fields out, and every login id in `loginIds`.
 */
const loadedUserSchema = z.looseObject({
  userId: z.optional(z.string()),
  loginIds: z.nullish(z.array(z.string())),
  email: z.nullish(z.string()),
  verifiedEmail: z.nullish(z.boolean()),
  phone: z.nullish(z.string()),
  verifiedPhone: z.nullish(z.boolean()),
  name: z.nullish(z.string()),
  givenName: z.nullish(z.string()),
  middleName: z.nullish(z.string()),
  familyName: z.nullish(z.string()),
  picture: z.nullish(z.string()),
  roleNames: z.nullish(z.array(z.string())),
  userTenants: z.nullish(
    z.array(z.looseObject({ tenantId: z.string(), roleNames: z.nullish(z.array(z.string())) })),
  ),
  customAttributes: z.nullish(z.record(z.string(), z.unknown())),
  status: z.nullish(z.string()),
});
export type LoadedUser = z.infer<typeof loadedUserSchema>;
export const loadResponseSchema = z.looseObject({ user: loadedUserSchema });

export const licenseResponseSchema = z.looseObject({ rateLimitTier: z.string().check(z.minLength(1)) });
