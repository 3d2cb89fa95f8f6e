import * as z from "zod/mini";
import "./schema-messages.ts";

/**
 * Key prefixes of the items kept beside person records in the state store (replay claims, guard windows,
 * user counters, SCIM groups, userName claims): no person key starts with one, whatever the source.
 */
export const reservedKeyPrefixes = {
  replay: "replay#",
  guard: "guard#",
  held: "held#",
  audit: "audit#",
  auditChange: "auditchange#",
  userCount: "users#",
  scimGroup: "scimgroup#",
  scimGroupDirectory: "scimgroups#",
  userName: "username#",
  reconcile: "reconcile#",
} as const;

export const isReservedPersonKey = (key: string) =>
  Object.values(reservedKeyPrefixes).some((prefix) => key.toLowerCase().startsWith(prefix));

/** A person key: the immutable id the source gives a person (HR employee id, SCIM externalId or id). */
export const personKeySchema = z.string().check(
  z.minLength(1),
  z.maxLength(256),
  z.refine(
    (key) => !isReservedPersonKey(key),
    "starts with a prefix reserved for the state store's own items",
  ),
);
export type PersonKey = z.infer<typeof personKeySchema>;

const text = z.string().check(z.maxLength(2048));

export const customAttributeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export type CustomAttributeValue = z.infer<typeof customAttributeValueSchema>;

const base64 = z.string().check(z.regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be standard base64 with padding"));
const hex = z.string().check(z.regex(/^[0-9a-fA-F]*$/, "must be hex"));

/**
 * An imported password hash, one algorithm per user, in the shape Descope documents for batch create
 * (binary fields base64). Providers translate it to their own form.
 */
export const hashedPasswordSchema = z.union([
  z.strictObject({ bcrypt: z.strictObject({ hash: z.string().check(z.minLength(1)) }) }),
  z.strictObject({ django: z.strictObject({ hash: z.string().check(z.minLength(1)) }) }),
  z.strictObject({
    firebase: z.strictObject({
      hash: base64,
      salt: base64,
      saltSeparator: base64,
      signerKey: base64,
      memory: z.int().check(z.positive()),
      rounds: z.int().check(z.positive()),
    }),
  }),
  z.strictObject({
    pbkdf2: z.strictObject({
      hash: base64,
      salt: base64,
      iterations: z.int().check(z.positive()),
      type: z.enum(["sha1", "sha256", "sha512"]),
    }),
  }),
  z.strictObject({
    phpass: z.strictObject({
      hash: z.string().check(z.minLength(1)),
      salt: z.string().check(z.minLength(1)),
      iterations: z.int().check(z.positive()),
      type: z.enum(["md5", "sha512"]),
    }),
  }),
  z.strictObject({ md5: z.strictObject({ hash: hex.check(z.minLength(1)) }) }),
  z.strictObject({
    sha: z.strictObject({
      hash: hex.check(z.minLength(1)),
      type: z.enum(["sha1", "sha256", "sha512"]),
      salt: z.optional(hex),
    }),
  }),
  z.strictObject({
    argon2: z.strictObject({
      hash: base64,
      salt: base64,
      iterations: z.int().check(z.minimum(1), z.maximum(10)),
      memory: z.int().check(z.minimum(1000), z.maximum(1_000_000)),
      threads: z.int().check(z.minimum(1), z.maximum(10)),
    }),
  }),
]);
export type HashedPassword = z.infer<typeof hashedPasswordSchema>;

/** Attributes that describe a person and are kept in desired state. */
export const profileShape = {
  loginId: z.string().check(z.minLength(1), z.maxLength(512)),
  email: z.string().check(z.maxLength(320)),
  emailVerified: z.boolean(),
  phone: z.string().check(z.maxLength(64)),
  phoneVerified: z.boolean(),
  givenName: text,
  middleName: text,
  familyName: text,
  displayName: text,
  picture: text,
  title: text,
  department: text,
  employeeNumber: text,
  costCenter: text,
  manager: personKeySchema,
  active: z.boolean(),
  roles: z.array(z.string().check(z.minLength(1))).check(z.maxLength(1000)),
  tenants: z.record(z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1)))),
  customAttributes: z.record(z.string().check(z.minLength(1)), customAttributeValueSchema),
} as const;

/** Attributes that exist only to import a new account: never merged into state, never logged. */
export const importSecretsShape = {
  password: z.string().check(z.minLength(1), z.maxLength(1024)),
  hashedPassword: hashedPasswordSchema,
} as const;

export const canonicalUserSchema = z.partial(z.object(profileShape));
/** What a person looks like: every profile attribute optional (absent = not known / not set). */
export type CanonicalUser = z.infer<typeof canonicalUserSchema>;
export type ProfileAttribute = keyof typeof profileShape;
export const profileAttributes = Object.keys(profileShape) as ProfileAttribute[];

export const importSecretsSchema = z.partial(z.object(importSecretsShape));
export type ImportSecrets = z.infer<typeof importSecretsSchema>;

/** Map-valued attributes merge key by key, so two sources can own different keys. */
export const mapAttributes = ["tenants", "customAttributes"] as const satisfies ProfileAttribute[];
export type MapAttribute = (typeof mapAttributes)[number];
export const isMapAttribute = (name: string): name is MapAttribute =>
  (mapAttributes as readonly string[]).includes(name);
