import * as z from "zod/mini";
import "../../../shared/model/schema-messages.ts";
import { invalidArgument } from "./errors.ts";

/**
 * Request bodies as the proto messages define them (JSON names, protoc-gen-validate limits). Objects are
 * strict: ZITADEL's gateway may drop unknown fields silently, but for a simulator a misspelt field is a
 * client bug worth a 400.
 */

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const email = text(1, 200).check(z.regex(/^[^@\s]+@[^@\s]+$/, "must be an e-mail address"));
const gender = z.enum(["GENDER_UNSPECIFIED", "GENDER_FEMALE", "GENDER_MALE", "GENDER_DIVERSE"]);
const base64 = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(666_668),
    z.regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, "must be base64"),
  );
const metadataEntry = z.strictObject({ key: text(1, 200), value: base64 });
/** uint64 fields arrive as JSON strings or numbers. */
const uint = z.union([
  z.int().check(z.nonnegative()),
  z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number)),
]);
const listQuery = z.strictObject({
  offset: z.optional(uint),
  limit: z.optional(uint),
  asc: z.optional(z.boolean()),
});
const textMethod = z.optional(
  z.union([z.string().check(z.startsWith("TEXT_QUERY_METHOD_")), z.int().check(z.minimum(0), z.maximum(7))]),
);
const userNameQuery = (minLength: number) =>
  z.strictObject({ userNameQuery: z.strictObject({ userName: text(minLength, 200), method: textMethod }) });
const emailQuery = z.strictObject({
  emailQuery: z.strictObject({ emailAddress: text(0, 200), method: textMethod }),
});
/** ListUsersRequest (v1 and v2 alike): paging, sorting, and queries that must all hold. */
const listUsersRequest = <Q extends readonly [z.ZodMiniType, z.ZodMiniType, ...z.ZodMiniType[]]>(
  queries: Q,
) =>
  z.strictObject({
    query: z.optional(listQuery),
    sortingColumn: z.optional(z.string()),
    queries: z.optional(z.array(z.union(queries))),
  });
const v1Phone = text(1, 50).check(z.startsWith("+", "must start with +"));
const empty = z.strictObject({});

export const v1 = {
  importHumanUser: z.strictObject({
    userName: text(1, 200),
    profile: z.strictObject({
      firstName: text(1, 200),
      lastName: text(1, 200),
      nickName: z.optional(text(0, 200)),
      displayName: z.optional(text(0, 200)),
      preferredLanguage: z.optional(text(0, 10)),
      gender: z.optional(gender),
    }),
    email: z.strictObject({ email, isEmailVerified: z.optional(z.boolean()) }),
    phone: z.optional(z.strictObject({ phone: v1Phone, isPhoneVerified: z.optional(z.boolean()) })),
    password: z.optional(z.string()),
    hashedPassword: z.optional(z.strictObject({ value: z.string() })),
    passwordChangeRequired: z.optional(z.boolean()),
    requestPasswordlessRegistration: z.optional(z.boolean()),
    otpCode: z.optional(z.string()),
    idps: z.optional(z.array(z.unknown())),
    recoveryCodes: z.optional(z.array(z.unknown())),
  }),
  updateUserName: z.strictObject({ userName: text(1, 200) }),
  updateHumanProfile: z.strictObject({
    firstName: text(1, 200),
    lastName: text(1, 200),
    nickName: z.optional(text(0, 200)),
    displayName: text(1, 200),
    preferredLanguage: z.optional(text(0, 10)),
    gender: z.optional(gender),
  }),
  updateHumanEmail: z.strictObject({ email, isEmailVerified: z.optional(z.boolean()) }),
  updateHumanPhone: z.strictObject({ phone: v1Phone, isPhoneVerified: z.optional(z.boolean()) }),
  empty,
  setUserMetadata: z.strictObject({ value: base64 }),
  bulkSetUserMetadata: z.strictObject({ metadata: z.array(metadataEntry) }),
  bulkRemoveUserMetadata: z.strictObject({ keys: z.array(text(1, 200)) }),
  // v1 user.proto UserNameQuery allows an empty name; v2 query.proto requires one.
  listUsers: listUsersRequest([userNameQuery(0), emailQuery]),
};

const verification = {
  sendCode: z.optional(z.looseObject({})),
  returnCode: z.optional(z.strictObject({})),
  isVerified: z.optional(z.boolean()),
};
const v2Profile = z.strictObject({
  givenName: text(1, 200),
  familyName: text(1, 200),
  nickName: z.optional(text(0, 200)),
  displayName: z.optional(text(0, 200)),
  preferredLanguage: z.optional(text(0, 10)),
  gender: z.optional(gender),
});
const v2Email = z.strictObject({ email, ...verification });
/** SetHumanPhone.phone has min_len 0; an empty number is ignored by UpdateHumanUser. */
const v2Phone = z.strictObject({ phone: text(0, 200), ...verification });

export const v2 = {
  addHumanUser: z.strictObject({
    userId: z.optional(text(1, 200)),
    username: z.optional(text(1, 200)),
    organization: z.optional(
      z.strictObject({ orgId: z.optional(z.string()), orgDomain: z.optional(z.string()) }),
    ),
    profile: v2Profile,
    email: v2Email,
    phone: z.optional(v2Phone),
    metadata: z.optional(z.array(metadataEntry)),
    password: z.optional(z.strictObject({ password: text(1, 200), changeRequired: z.optional(z.boolean()) })),
    hashedPassword: z.optional(
      z.strictObject({ hash: text(1, 200), changeRequired: z.optional(z.boolean()) }),
    ),
    idpLinks: z.optional(z.array(z.unknown())),
    totpSecret: z.optional(z.string()),
  }),
  updateHumanUser: z.strictObject({
    username: z.optional(text(1, 200)),
    profile: z.optional(v2Profile),
    email: z.optional(v2Email),
    phone: z.optional(v2Phone),
    password: z.optional(z.looseObject({})),
  }),
  empty,
  setUserMetadata: z.strictObject({
    userId: z.optional(z.string()),
    metadata: z.array(metadataEntry).check(z.minLength(1)),
  }),
  deleteUserMetadata: z.strictObject({
    userId: z.optional(z.string()),
    keys: z.array(text(1, 200)).check(z.minLength(1)),
  }),
  listUsers: listUsersRequest([
    userNameQuery(1),
    emailQuery,
    z.strictObject({ organizationIdQuery: z.strictObject({ organizationId: text(1, 200) }) }),
    z.strictObject({ inUserIdsQuery: z.strictObject({ userIds: z.array(z.string()) }) }),
  ]),
};

/** Parses a body as `message`, or throws ZITADEL's validation error (InvalidArgument, no id). */
export function parseBody<T extends z.ZodMiniType>(schema: T, body: unknown, message: string): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "body";
  throw invalidArgument("", `invalid ${message}.${field}: ${issue?.message ?? "invalid"}`);
}
