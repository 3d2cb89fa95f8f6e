import { z } from "zod";
import { invalidArgument } from "./errors.ts";

/**
 * Request bodies as the proto messages define them (JSON names, protoc-gen-validate limits). Objects are
 * strict: ZITADEL's gateway may drop unknown fields silently, but for a simulator a misspelt field is a
 * client bug worth a 400.
 */

const text = (min: number, max: number) => z.string().min(min).max(max);
const email = text(1, 200).regex(/^[^@\s]+@[^@\s]+$/, "must be an e-mail address");
const gender = z.enum(["GENDER_UNSPECIFIED", "GENDER_FEMALE", "GENDER_MALE", "GENDER_DIVERSE"]);
const base64 = z
  .string()
  .min(1)
  .max(666_668)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, "must be base64");
const metadataEntry = z.strictObject({ key: text(1, 200), value: base64 });
/** uint64 fields arrive as JSON strings or numbers. */
const uint = z.union([z.int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const listQuery = z.strictObject({
  offset: uint.optional(),
  limit: uint.optional(),
  asc: z.boolean().optional(),
});
const textMethod = z.union([z.string().startsWith("TEXT_QUERY_METHOD_"), z.int().min(0).max(7)]).optional();
const userNameQuery = (minLength: number) =>
  z.strictObject({ userNameQuery: z.strictObject({ userName: text(minLength, 200), method: textMethod }) });
const emailQuery = z.strictObject({
  emailQuery: z.strictObject({ emailAddress: text(0, 200), method: textMethod }),
});
/** ListUsersRequest (v1 and v2 alike): paging, sorting, and queries that must all hold. */
const listUsersRequest = <Q extends readonly [z.ZodType, z.ZodType, ...z.ZodType[]]>(queries: Q) =>
  z.strictObject({
    query: listQuery.optional(),
    sortingColumn: z.string().optional(),
    queries: z.array(z.union(queries)).optional(),
  });
const v1Phone = text(1, 50).startsWith("+", "must start with +");
const empty = z.strictObject({});

export const v1 = {
  importHumanUser: z.strictObject({
    userName: text(1, 200),
    profile: z.strictObject({
      firstName: text(1, 200),
      lastName: text(1, 200),
      nickName: text(0, 200).optional(),
      displayName: text(0, 200).optional(),
      preferredLanguage: text(0, 10).optional(),
      gender: gender.optional(),
    }),
    email: z.strictObject({ email, isEmailVerified: z.boolean().optional() }),
    phone: z.strictObject({ phone: v1Phone, isPhoneVerified: z.boolean().optional() }).optional(),
    password: z.string().optional(),
    hashedPassword: z.strictObject({ value: z.string() }).optional(),
    passwordChangeRequired: z.boolean().optional(),
    requestPasswordlessRegistration: z.boolean().optional(),
    otpCode: z.string().optional(),
    idps: z.array(z.unknown()).optional(),
    recoveryCodes: z.array(z.unknown()).optional(),
  }),
  updateUserName: z.strictObject({ userName: text(1, 200) }),
  updateHumanProfile: z.strictObject({
    firstName: text(1, 200),
    lastName: text(1, 200),
    nickName: text(0, 200).optional(),
    displayName: text(1, 200),
    preferredLanguage: text(0, 10).optional(),
    gender: gender.optional(),
  }),
  updateHumanEmail: z.strictObject({ email, isEmailVerified: z.boolean().optional() }),
  updateHumanPhone: z.strictObject({ phone: v1Phone, isPhoneVerified: z.boolean().optional() }),
  empty,
  setUserMetadata: z.strictObject({ value: base64 }),
  bulkSetUserMetadata: z.strictObject({ metadata: z.array(metadataEntry) }),
  bulkRemoveUserMetadata: z.strictObject({ keys: z.array(text(1, 200)) }),
  // v1 user.proto UserNameQuery allows an empty name; v2 query.proto requires one.
  listUsers: listUsersRequest([userNameQuery(0), emailQuery]),
};

const verification = {
  sendCode: z.looseObject({}).optional(),
  returnCode: z.strictObject({}).optional(),
  isVerified: z.boolean().optional(),
};
const v2Profile = z.strictObject({
  givenName: text(1, 200),
  familyName: text(1, 200),
  nickName: text(0, 200).optional(),
  displayName: text(0, 200).optional(),
  preferredLanguage: text(0, 10).optional(),
  gender: gender.optional(),
});
const v2Email = z.strictObject({ email, ...verification });
/** SetHumanPhone.phone has min_len 0; an empty number is ignored by UpdateHumanUser. */
const v2Phone = z.strictObject({ phone: text(0, 200), ...verification });

export const v2 = {
  addHumanUser: z.strictObject({
    userId: text(1, 200).optional(),
    username: text(1, 200).optional(),
    organization: z
      .strictObject({ orgId: z.string().optional(), orgDomain: z.string().optional() })
      .optional(),
    profile: v2Profile,
    email: v2Email,
    phone: v2Phone.optional(),
    metadata: z.array(metadataEntry).optional(),
    password: z.strictObject({ password: text(1, 200), changeRequired: z.boolean().optional() }).optional(),
    hashedPassword: z.strictObject({ hash: text(1, 200), changeRequired: z.boolean().optional() }).optional(),
    idpLinks: z.array(z.unknown()).optional(),
    totpSecret: z.string().optional(),
  }),
  updateHumanUser: z.strictObject({
    username: text(1, 200).optional(),
    profile: v2Profile.optional(),
    email: v2Email.optional(),
    phone: v2Phone.optional(),
    password: z.looseObject({}).optional(),
  }),
  empty,
  setUserMetadata: z.strictObject({ userId: z.string().optional(), metadata: z.array(metadataEntry).min(1) }),
  deleteUserMetadata: z.strictObject({ userId: z.string().optional(), keys: z.array(text(1, 200)).min(1) }),
  listUsers: listUsersRequest([
    userNameQuery(1),
    emailQuery,
    z.strictObject({ organizationIdQuery: z.strictObject({ organizationId: text(1, 200) }) }),
    z.strictObject({ inUserIdsQuery: z.strictObject({ userIds: z.array(z.string()) }) }),
  ]),
};

/** Parses a body as `message`, or throws ZITADEL's validation error (InvalidArgument, no id). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, message: string): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "body";
  throw invalidArgument("", `invalid ${message}.${field}: ${issue?.message ?? "invalid"}`);
}
