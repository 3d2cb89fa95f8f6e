import { z } from "zod";
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
  errorDescription: z.string().optional(),
  errorMessage: z.string().optional(),
});

/** The codes whose meaning changes what happens next; every other code is reported as it is. */
export const descopeErrorCodes = {
  userNotFound: "E112102",
  userAlreadyExists: "E062107",
} as const;

/** The parts of a returned user that identify it; everything else is not read. */
const returnedUserSchema = z.looseObject({
  userId: z.string().optional(),
  loginIds: z.array(z.string()).optional(),
  /** Present when Descope echoes the request user in a failure rather than a stored one. */
  loginId: z.string().optional(),
});
export type ReturnedUser = z.infer<typeof returnedUserSchema>;

export const singleUserResponseSchema = z.looseObject({ user: returnedUserSchema });

/** Response of batch create (`createdUsers`) and batch patch (`patchedUsers`); per-user failures inside. */
export const batchResponseSchema = z.looseObject({
  createdUsers: z.array(returnedUserSchema).nullish(),
  patchedUsers: z.array(returnedUserSchema).nullish(),
  failedUsers: z
    .array(z.looseObject({ failure: z.string().nullish(), user: returnedUserSchema.nullish() }))
    .nullish(),
  additionalErrors: z.record(z.string(), z.string()).nullish(),
});

/**
 * A user as `GET /v1/mgmt/user` returns it (docs load-user; research/descope.md §1.0): Descope returns
 * empty strings and lists rather than leaving fields out, and every login id in `loginIds`.
 */
const loadedUserSchema = z.looseObject({
  userId: z.string().optional(),
  loginIds: z.array(z.string()).nullish(),
  email: z.string().nullish(),
  verifiedEmail: z.boolean().nullish(),
  phone: z.string().nullish(),
  verifiedPhone: z.boolean().nullish(),
  name: z.string().nullish(),
  givenName: z.string().nullish(),
  middleName: z.string().nullish(),
  familyName: z.string().nullish(),
  picture: z.string().nullish(),
  roleNames: z.array(z.string()).nullish(),
  userTenants: z
    .array(z.looseObject({ tenantId: z.string(), roleNames: z.array(z.string()).nullish() }))
    .nullish(),
  customAttributes: z.record(z.string(), z.unknown()).nullish(),
  status: z.string().nullish(),
});
export type LoadedUser = z.infer<typeof loadedUserSchema>;
export const loadResponseSchema = z.looseObject({ user: loadedUserSchema });

export const licenseResponseSchema = z.looseObject({ rateLimitTier: z.string().min(1) });
