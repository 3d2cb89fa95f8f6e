import { type Mapping, mappingSchema } from "../mapping/spec.ts";

/**
 * A BambooHR field is keyed by its API alias in the REST API (`firstName`) and, in field-based webhooks,
 * by its English name unless an alias was configured, spelled `First Name` in the JSON example and
 * `First name` in the form example; older deliveries wrap values as `{ "value": … }`. Each entry tries
 * every spelling.
 */
const field = (alias: string, ...names: string[]) =>
  [alias, ...names.map((name) => `['${name}']`)].flatMap((key) => {
    const path = key.startsWith("[") ? `$${key}` : `$.${key}`;
    return [`${path}.value`, path];
  });

/**
 * BambooHR, as documented at documentation.bamboohr.com: event-based webhooks (`employee.created|updated|
 * deleted`, ids only, so the sync step reads the employee from GET /api/v1/employees/{id}) and the legacy
 * field-based ones (`{ employees: [{ id, action, changedFields, fields, timestamp }] }`, values included).
 */
export const bambooHrMapping: Mapping = mappingSchema.parse({
  events: [
    {
      match: "$.employees",
      items: "$.employees[*]",
      type: "$.action",
      actions: { Created: "hire", Updated: "update", Deleted: "delete" },
      otherwise: "update",
      person: "$.id",
      at: "$.timestamp",
      record: "$.fields",
    },
    {
      match: "$.type",
      type: "$.type",
      actions: { "employee.created": "refresh", "employee.updated": "refresh", "employee.deleted": "delete" },
      person: "$.data.employeeId",
      at: "$.timestamp",
    },
  ],
  attributes: {
    loginId: { path: field("workEmail", "Work Email"), transforms: ["trim", "lower"] },
    email: { path: field("workEmail", "Work Email"), transforms: ["trim"] },
    givenName: { path: field("firstName", "First Name", "First name") },
    middleName: { path: field("middleName", "Middle Name", "Middle name") },
    familyName: { path: field("lastName", "Last Name", "Last name") },
    displayName: { path: field("displayName", "Display Name") },
    title: { path: field("jobTitle", "Job Title") },
    department: { path: field("department", "Department") },
    employeeNumber: { path: field("employeeNumber", "Employee #") },
    // The supervisor's employee id (the person key), not the name the "Reporting to" field shows.
    manager: { path: "$.supervisorEId" },
    active: { path: field("status", "Status"), transforms: [{ lookup: { Active: true, Inactive: false } }] },
  },
  customAttributes: {
    location: { path: field("location", "Location") },
    division: { path: field("division", "Division") },
    employmentType: { path: field("employmentHistoryStatus", "Employment Status") },
  },
  leaver: { date: { path: field("terminationDate", "Termination Date") } },
});
