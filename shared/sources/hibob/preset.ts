import { type Mapping, mappingSchema } from "../mapping/spec.ts";

const refresh = "refresh" as const;

/**
 * HiBob webhooks v2 (apidocs.hibob.com): `{ companyId, type, triggeredBy, triggeredAt, version: "v2",
 * data: { employeeId, … } }`, ids only, so every event but a deletion is resolved by reading the employee
 * (POST /v1/people/{id}, humanReadable APPEND: machine values plus a `humanReadable` copy with list names).
 * Lifecycle events fire when the lifecycle entry becomes effective.
 */
export const hiBobMapping: Mapping = mappingSchema.parse({
  events: [
    {
      type: "$.type",
      actions: {
        "employee.created": refresh,
        "employee.updated": refresh,
        "employee.joined": refresh,
        "employee.activated": refresh,
        "employee.inactivated": refresh,
        "employee.left": refresh,
        "employee.temporaryLeave": refresh,
        "table.entry.created": refresh,
        "table.entry.updated": refresh,
        "employee.deleted": "delete",
      },
      person: "$.data.employeeId",
      at: "$.triggeredAt",
    },
  ],
  attributes: {
    loginId: { path: "$.email", transforms: ["trim", "lower"] },
    email: "$.email",
    givenName: "$.firstName",
    familyName: "$.surname",
    displayName: "$.displayName",
    title: { path: ["$.humanReadable.work.title", "$.work.title"] },
    department: { path: ["$.humanReadable.work.department", "$.work.department"] },
    employeeNumber: "$.work.employeeIdInCompany",
    manager: "$.work.reportsTo.id",
    active: { path: "$.internal.status", transforms: [{ lookup: { Active: true, Inactive: false } }] },
  },
  customAttributes: {
    site: { path: ["$.humanReadable.work.site", "$.work.site"] },
  },
  leaver: { date: "$.internal.terminationDate" },
});

/** Bob answers a new webhook's validation with "Ping test" as text, then as `{"text":"Ping test"}`. */
export function isHiBobPing(body: Buffer): boolean {
  const text = body.toString("utf8").trim();
  if (text === "Ping test") return true;
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      typeof parsed === "object" && parsed !== null && (parsed as { text?: unknown }).text === "Ping test"
    );
  } catch {
    return false;
  }
}
