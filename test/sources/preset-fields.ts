/** The BambooHR field aliases the built-in preset reads, as the API is asked for them (sorted). */
export const bambooHrPresetAliases = [
  "department",
  "displayName",
  "division",
  "employeeNumber",
  "employmentHistoryStatus",
  "firstName",
  "jobTitle",
  "lastName",
  "location",
  "middleName",
  "status",
  "supervisorEId",
  "terminationDate",
  "workEmail",
];

/** The Bob field ids the built-in preset reads (sorted). */
export const hiBobPresetFieldIds = [
  "internal.status",
  "internal.terminationDate",
  "root.displayName",
  "root.email",
  "root.firstName",
  "root.surname",
  "work.department",
  "work.employeeIdInCompany",
  "work.reportsTo",
  "work.site",
  "work.title",
];
