import * as z from "zod/mini";
import "../../model/schema-messages.ts";
import { ScimError } from "./errors.ts";
import { enterpriseUserSchemaUrn } from "./resource-schemas.ts";

const optionalText = z.nullish(z.string());
/** Entra sends booleans as "True"/"False" strings. */
export const scimBoolean = z.union([
  z.boolean(),
  z.stringbool({ truthy: ["true"], falsy: ["false"], case: "insensitive" }),
]);

const multiValuedAttribute = z.looseObject({
  value: optionalText,
  type: optionalText,
  display: optionalText,
  primary: z.nullish(scimBoolean),
});
export type MultiValuedAttribute = z.infer<typeof multiValuedAttribute>;

const managerSchema = z.union([
  z.string(),
  z.looseObject({ value: optionalText, displayName: optionalText }),
]);

export const enterpriseUserSchema = z.looseObject({
  employeeNumber: optionalText,
  costCenter: optionalText,
  organization: optionalText,
  division: optionalText,
  department: optionalText,
  manager: z.nullish(managerSchema),
});

/** A SCIM User as clients send it: unknown attributes are tolerated, readOnly ones (id, meta, groups) ignored. */
export const scimUserSchema = z.looseObject({
  externalId: optionalText,
  userName: z.string().check(z.trim(), z.minLength(1, "userName is required")),
  name: z.nullish(
    z.looseObject({
      givenName: optionalText,
      middleName: optionalText,
      familyName: optionalText,
      formatted: optionalText,
      honorificPrefix: optionalText,
      honorificSuffix: optionalText,
    }),
  ),
  displayName: optionalText,
  nickName: optionalText,
  profileUrl: optionalText,
  title: optionalText,
  userType: optionalText,
  preferredLanguage: optionalText,
  locale: optionalText,
  timezone: optionalText,
  active: z.nullish(scimBoolean),
  password: z.nullish(z.string().check(z.minLength(1))),
  emails: z.nullish(z.array(multiValuedAttribute)),
  phoneNumbers: z.nullish(z.array(multiValuedAttribute)),
  photos: z.nullish(z.array(multiValuedAttribute)),
  roles: z.nullish(z.array(multiValuedAttribute)),
  [enterpriseUserSchemaUrn]: z.nullish(enterpriseUserSchema),
});
export type ScimUser = z.infer<typeof scimUserSchema>;

/** Validates a User resource (in normal form), refusing it with the first problem as invalidValue. */
export function parseScimUser(resource: unknown): ScimUser {
  const parsed = scimUserSchema.safeParse(resource);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ScimError(400, `${issue?.path.join(".") || "body"}: ${issue?.message}`, "invalidValue");
}
