import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roleRulesSchema } from "../../shared/config/role-rules.ts";
import type { CanonicalUser } from "../../shared/model/user.ts";
import { deriveRolesAndTenants } from "../../shared/sync/role-rules.ts";

const rules = roleRulesSchema.parse([
  { name: "engineers", when: { department: ["Engineering", "R&D"] }, roles: ["engineer"] },
  {
    name: "Berlin staff",
    when: { "customAttributes.location": "berlin", "customAttributes.employmentType": { matches: "^full" } },
    tenants: { "acme-eu": ["member"] },
  },
  {
    name: "managers",
    when: { title: { matches: "\\b(head|lead|manager)\\b" } },
    roles: ["approver"],
    tenants: { "acme-eu": ["approver"] },
  },
  { name: "contractors", when: { "customAttributes.employmentType": "contractor" }, roles: ["external"] },
  { name: "cost centre set", when: { costCenter: { present: true } }, roles: ["billable"] },
]);

const ann: CanonicalUser = {
  loginId: "ann@acme.example",
  department: " engineering ",
  title: "Team Lead",
  costCenter: "CC-7",
  roles: ["viewer"],
  tenants: { "acme-us": ["member"] },
  customAttributes: { location: "Berlin", employmentType: "Full-time" },
};

describe("deriveRolesAndTenants", () => {
  it("adds the roles and tenant roles of every matching rule to the mapped ones, sorted", () => {
    expect(deriveRolesAndTenants(ann, rules)).toEqual({
      ...ann,
      roles: ["approver", "billable", "engineer", "viewer"],
      tenants: { "acme-eu": ["approver", "member"], "acme-us": ["member"] },
    });
  });

  it("recomputes from the attributes: a mover loses the old department's roles", () => {
    const moved = deriveRolesAndTenants({ ...ann, department: "Sales", title: "Account Executive" }, rules);
    expect(moved.roles).toEqual(["billable", "viewer"]);
    expect(moved.tenants).toEqual({ "acme-eu": ["member"], "acme-us": ["member"] });
  });

  it("returns the user unchanged when no rule matches, and tests list attributes item by item", () => {
    const plain: CanonicalUser = {
      loginId: "x",
      customAttributes: { employmentType: ["contractor", "remote"] },
    };
    expect(deriveRolesAndTenants({ loginId: "x" }, rules)).toEqual({ loginId: "x" });
    expect(deriveRolesAndTenants(plain, rules).roles).toEqual(["external"]);
  });

  it("is idempotent and never reorders what it returns", () => {
    const user = fc.record(
      {
        department: fc.constantFrom("Engineering", "Sales", "R&D"),
        title: fc.constantFrom("Head of IT", "Engineer", "Lead Dev"),
        roles: fc.uniqueArray(fc.constantFrom("a", "b", "engineer")).map((roles) => roles.sort()),
        customAttributes: fc.record({
          location: fc.constantFrom("Berlin", "Paris"),
          employmentType: fc.constantFrom("full-time", "contractor"),
        }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(user, (candidate) => {
        const once = deriveRolesAndTenants(candidate, rules);
        expect(deriveRolesAndTenants(once, rules)).toEqual(once);
        if (once.roles) expect(once.roles).toEqual([...once.roles].sort());
      }),
    );
  });

  it("refuses rules on unknown attributes, bad patterns, or without an outcome", () => {
    expect(roleRulesSchema.safeParse([{ when: { salary: "1" }, roles: ["r"] }]).success).toBe(false);
    expect(roleRulesSchema.safeParse([{ when: { title: { matches: "(" } }, roles: ["r"] }]).success).toBe(
      false,
    );
    expect(roleRulesSchema.safeParse([{ when: { title: "x" } }]).success).toBe(false);
    expect(roleRulesSchema.safeParse([{ when: {}, roles: ["r"] }]).success).toBe(false);
  });
});
