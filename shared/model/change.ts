import * as z from "zod/mini";
import "./schema-messages.ts";
import { customAttributeValueSchema, importSecretsShape, personKeySchema, profileShape } from "./user.ts";

const nullable = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));

/**
 * The attributes a change carries: a partial canonical user where `null` means "remove".
 * Map attributes (tenants, customAttributes) carry only the keys they touch; a key set to null is removed.
 */
export const changeAttributesSchema = z.strictObject({
  loginId: nullable(profileShape.loginId),
  email: nullable(profileShape.email),
  emailVerified: nullable(profileShape.emailVerified),
  phone: nullable(profileShape.phone),
  phoneVerified: nullable(profileShape.phoneVerified),
  givenName: nullable(profileShape.givenName),
  middleName: nullable(profileShape.middleName),
  familyName: nullable(profileShape.familyName),
  displayName: nullable(profileShape.displayName),
  picture: nullable(profileShape.picture),
  title: nullable(profileShape.title),
  department: nullable(profileShape.department),
  employeeNumber: nullable(profileShape.employeeNumber),
  costCenter: nullable(profileShape.costCenter),
  manager: nullable(profileShape.manager),
  active: nullable(profileShape.active),
  roles: nullable(profileShape.roles),
  tenants: nullable(
    z.record(z.string().check(z.minLength(1)), z.nullable(z.array(z.string().check(z.minLength(1))))),
  ),
  customAttributes: nullable(
    z.record(z.string().check(z.minLength(1)), z.nullable(customAttributeValueSchema)),
  ),
  password: z.optional(importSecretsShape.password),
  hashedPassword: z.optional(importSecretsShape.hashedPassword),
});
export type ChangeAttributes = z.infer<typeof changeAttributesSchema>;

/**
 * - upsert: set the attributes given, leave the rest;
 * - replace: the attributes given are the whole person, everything else is removed;
 * - deactivate / reactivate: the person leaves or comes back;
 * - delete: the person is gone from the source;
 * - refresh: the source only said "something changed"; the current record must be fetched from it.
 */
export const changeKindSchema = z.enum([
  "upsert",
  "replace",
  "deactivate",
  "reactivate",
  "delete",
  "refresh",
]);
export type ChangeKind = z.infer<typeof changeKindSchema>;

export const userChangeSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  source: z.string().check(z.minLength(1), z.maxLength(128)),
  person: personKeySchema,
  /** When the change happened at the source (ISO 8601); orders changes per attribute. */
  at: z.iso.datetime({ offset: true }),
  kind: changeKindSchema,
  attributes: changeAttributesSchema,
});
export type UserChange = z.infer<typeof userChangeSchema>;

/** A change the merge applies: every kind but `refresh`, which must first be resolved at its source. */
export type MergeableChange = UserChange & { kind: Exclude<ChangeKind, "refresh"> };
