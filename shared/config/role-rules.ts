import * as z from "zod/mini";
import "../model/schema-messages.ts";

/** A canonical attribute a rule can test, or one custom attribute (`customAttributes.location`). */
export const ruleAttributeSchema = z
  .string()
  .check(
    z.regex(
      /^(?:loginId|email|title|department|employeeNumber|costCenter|manager|displayName|givenName|familyName|active|roles|customAttributes\.[^.\s]{1,64})$/,
      "a canonical attribute (department, title, costCenter, …) or customAttributes.<key>",
    ),
  );

const regexSchema = z.string().check(
  z.refine((pattern) => {
    try {
      new RegExp(pattern, "i");
      return true;
    } catch {
      return false;
    }
  }, "must be a valid regular expression"),
);

/**
 * What an attribute must be. A string or list of strings matches when the value (or, for a list value, one
 * of its items) equals one of them, ignoring case and surrounding spaces: HR data is typed by people.
 */
export const conditionSchema = z.union([
  z.string(),
  z.array(z.string()).check(z.minLength(1)),
  z.boolean(),
  z.strictObject({ matches: regexSchema }),
  z.strictObject({ present: z.boolean() }),
]);
export type RuleCondition = z.infer<typeof conditionSchema>;

const role = z.string().check(z.minLength(1), z.maxLength(256));

/** What a role rule or a SCIM group grants: roles, and roles per tenant. */
export const grantShape = {
  roles: z._default(z.array(role), []),
  /** Tenant id → roles in that tenant (an empty list: membership without roles). */
  tenants: z._default(z.record(z.string().check(z.minLength(1), z.maxLength(256)), z.array(role)), {}),
};

/** A grant must grant something: roles, or at least one tenant. */
export const grantsSomething = z.refine<{ roles: string[]; tenants: Record<string, string[]> }>(
  (grant) => grant.roles.length > 0 || Object.keys(grant.tenants).length > 0,
  "give roles or tenants",
);

/** When every condition holds, the person gets the roles and tenant roles (added to the mapped ones). */
export const roleRuleSchema = z
  .strictObject({
    /** For the log and the reader; not used for matching. */
    name: z.optional(z.string().check(z.maxLength(128))),
    when: z
      .record(ruleAttributeSchema, conditionSchema)
      .check(z.refine((conditions) => Object.keys(conditions).length > 0, "give at least one condition")),
    ...grantShape,
  })
  .check(grantsSomething);
export type RoleRule = z.infer<typeof roleRuleSchema>;

export const roleRulesSchema = z.array(roleRuleSchema).check(z.maxLength(1000));
export type RoleRules = z.infer<typeof roleRulesSchema>;
