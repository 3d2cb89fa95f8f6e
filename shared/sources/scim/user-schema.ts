import * as z from "zod";
import { ScimError } from "./errors.ts";
import { enterpriseUserSchemaUrn } from "./resource-schemas.ts";

const optionalText = z.string().nullish();
/** Entra sends booleans as "True"/"False" strings. */
export const scimBoolean = z.union([
  z.boolean(),
  z.stringbool({ truthy: ["true"], falsy: ["false"], case: "insensitive" }),
]);

const multiValuedAttribute = z.looseObject({
  value: optionalText,
  type: optionalText,
  display: optionalText,
  primary: scimBoolean.nullish(),
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
  manager: managerSchema.nullish(),
});

/** A SCIM User as clients send it: unknown attributes are tolerated, readOnly ones (id, meta, groups) ignored. */
export const scimUserSchema = z.looseObject({
  externalId: optionalText,
  userName: z.string().trim().min(1, "userName is required"),
  name: z
    .looseObject({
      givenName: optionalText,
      middleName: optionalText,
      familyName: optionalText,
      formatted: optionalText,
      honorificPrefix: optionalText,
      honorificSuffix: optionalText,
    })
    .nullish(),
  displayName: optionalText,
  nickName: optionalText,
  profileUrl: optionalText,
  title: optionalText,
  userType: optionalText,
  preferredLanguage: optionalText,
  locale: optionalText,
  timezone: optionalText,
  active: scimBoolean.nullish(),
  password: z.string().min(1).nullish(),
  emails: z.array(multiValuedAttribute).nullish(),
  phoneNumbers: z.array(multiValuedAttribute).nullish(),
  photos: z.array(multiValuedAttribute).nullish(),
  roles: z.array(multiValuedAttribute).nullish(),
  [enterpriseUserSchemaUrn]: enterpriseUserSchema.nullish(),
});
export type ScimUser = z.infer<typeof scimUserSchema>;

/** Validates a User resource (in normal form), refusing it with the first problem as invalidValue. */
export function parseScimUser(resource: unknown): ScimUser {
  const parsed = scimUserSchema.safeParse(resource);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ScimError(400, `${issue?.path.join(".") || "body"}: ${issue?.message}`, "invalidValue");
}
