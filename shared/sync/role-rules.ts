import type { RoleRule, RoleRules, RuleCondition } from "../config/role-rules.ts";
import type { CanonicalUser } from "../model/user.ts";

/**
 * Adds the roles and tenant roles the configured rules grant to a desired user (department, location,
 * title, cost centre, employment type … → roles). Pure, and evaluated on the materialized user before
 * planning, so it applies to every source alike and a person who moves loses the roles of the old place:
 * derived roles are never stored, only recomputed. Lists come out sorted and deduplicated, the normal form
 * desired state uses, so a rule never shows up as a change by itself.
 */
export function deriveRolesAndTenants(user: CanonicalUser, rules: RoleRules): CanonicalUser {
  const matching = rules.filter((rule) => ruleMatches(user, rule));
  if (matching.length === 0) return user;
  const roles = new Set(user.roles ?? []);
  const tenants = new Map(Object.entries(user.tenants ?? {}).map(([id, list]) => [id, new Set(list)]));
  for (const rule of matching) {
    for (const role of rule.roles) roles.add(role);
    for (const [tenant, tenantRoles] of Object.entries(rule.tenants)) {
      const set = tenants.get(tenant) ?? new Set<string>();
      for (const role of tenantRoles) set.add(role);
      tenants.set(tenant, set);
    }
  }
  const derived: CanonicalUser = { ...user };
  if (roles.size > 0) derived.roles = [...roles].sort();
  if (tenants.size > 0) {
    const ids = [...tenants.keys()].sort();
    derived.tenants = Object.fromEntries(ids.map((id) => [id, [...(tenants.get(id) ?? [])].sort()]));
  }
  return derived;
}

function ruleMatches(user: CanonicalUser, rule: RoleRule): boolean {
  return Object.entries(rule.when).every(([attribute, condition]) =>
    conditionHolds(attributeValue(user, attribute), condition),
  );
}

function attributeValue(user: CanonicalUser, attribute: string): unknown {
  if (attribute.startsWith("customAttributes.")) {
    return user.customAttributes?.[attribute.slice("customAttributes.".length)];
  }
  return user[attribute as keyof CanonicalUser];
}

const normalise = (text: string) => text.trim().toLowerCase();
const patterns = new Map<string, RegExp>();

function conditionHolds(value: unknown, condition: RuleCondition): boolean {
  const items = (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).map(
    String,
  );
  if (typeof condition === "boolean") return value === condition;
  if (typeof condition === "string" || Array.isArray(condition)) {
    const wanted = new Set((Array.isArray(condition) ? condition : [condition]).map(normalise));
    return items.some((item) => wanted.has(normalise(item)));
  }
  if ("present" in condition) return items.some((item) => item.trim().length > 0) === condition.present;
  let pattern = patterns.get(condition.matches);
  if (!pattern) {
    pattern = new RegExp(condition.matches, "i");
    patterns.set(condition.matches, pattern);
  }
  const compiled = pattern;
  return items.some((item) => compiled.test(item));
}
