import { describe, expect, it } from "vitest";
import { roleRuleSchema } from "../../shared/config/role-rules.ts";
import { scimGroupMappingSchema } from "../../shared/config/scim.ts";

describe("what a role rule and a SCIM group mapping grant", () => {
  const grantors = [
    ["a role rule", roleRuleSchema, { when: { department: "Sales" } }],
    ["a SCIM group mapping", scimGroupMappingSchema, { group: "sales" }],
  ] as const;

  it.each(grantors)("%s must grant roles or tenants", (_, schema, base) => {
    const result = schema.safeParse(base);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(["give roles or tenants"]);
  });

  it.each(grantors)("%s may grant tenant membership alone, roles defaulting to none", (_, schema, base) => {
    expect(schema.parse({ ...base, tenants: { "T-1": [] } })).toMatchObject({
      roles: [],
      tenants: { "T-1": [] },
    });
  });
});
