import { z } from "zod";

export const coreUserSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
export const enterpriseUserSchemaUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

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
    })
    .nullish(),
  displayName: optionalText,
  title: optionalText,
  active: scimBoolean.nullish(),
  password: z.string().min(1).nullish(),
  emails: z.array(multiValuedAttribute).nullish(),
  phoneNumbers: z.array(multiValuedAttribute).nullish(),
  photos: z.array(multiValuedAttribute).nullish(),
  roles: z.array(multiValuedAttribute).nullish(),
  [enterpriseUserSchemaUrn]: enterpriseUserSchema.nullish(),
});
export type ScimUser = z.infer<typeof scimUserSchema>;
