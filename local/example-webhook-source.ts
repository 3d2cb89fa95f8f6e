import type { WebhookSourceInput } from "../shared/config/webhooks.ts";

/**
 * The worked example in docs/hr-webhooks.md: a new HR system connected by configuration alone. The local
 * runtime serves it at /webhooks/acme-hr so the README's first webhook works with curl.
 */
export const acmeHr: WebhookSourceInput = {
  type: "generic-hmac",
  name: "acme-hr",
  secretNames: ["acme-hr-signing", "acme-hr-signing-next"],
  signature: {
    header: "X-Acme-Signature",
    prefix: "sha256=",
    signedContent: "{timestamp}.{body}",
    timestampHeader: "X-Acme-Timestamp",
  },
  leavers: { timeZone: "Europe/Berlin" },
  mapping: {
    events: [
      {
        type: "$.event",
        actions: {
          "employee.hired": "hire",
          "employee.updated": "update",
          "employee.terminated": "terminate",
          "employee.rehired": "rehire",
          "employee.deleted": "delete",
        },
        person: "$.employee.id",
        at: "$.occurred_at",
        id: "$.event_id",
        record: "$.employee",
      },
    ],
    attributes: {
      loginId: { path: "$.work_email", transforms: ["trim", "lower"] },
      email: "$.work_email",
      givenName: "$.first_name",
      familyName: "$.last_name",
      department: "$.department",
      title: "$.job_title",
      manager: "$.manager_id",
    },
    customAttributes: {
      location: "$.location",
      employmentType: { path: "$.employment_type", transforms: ["lower"] },
    },
    leaver: { date: "$.termination.date", timeZone: "$.termination.time_zone" },
  },
};

/** Its local signing secret: a credential of the loopback runtime only, like the simulators' keys. */
export const acmeSecret = "acme-signing-secret";
