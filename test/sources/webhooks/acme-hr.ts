import type { WebhookSourceInput } from "../../../shared/config/webhooks.ts";
import { hmac } from "./harness.ts";

/** The README's worked example: a new HR system connected by configuration alone. */
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

export const acmeSecret = "acme-signing-secret";

/** Signs like Acme HR: sha256=<hex HMAC of "<unix seconds>.<body>">. */
export function acmeHeaders(body: string, atMs: number, secret = acmeSecret): Record<string, string> {
  const timestamp = String(Math.floor(atMs / 1000));
  return {
    "X-Acme-Timestamp": timestamp,
    "X-Acme-Signature": `sha256=${hmac("sha256", secret, `${timestamp}.${body}`, "hex")}`,
  };
}

export interface AcmeEmployee {
  id: string;
  work_email?: string;
  first_name?: string;
  last_name?: string;
  department?: string;
  job_title?: string;
  location?: string;
  employment_type?: string;
  manager_id?: string;
  termination?: { date: string | null; time_zone?: string };
}

export const acmeEvent = (event: string, eventId: string, occurredAt: string, employee: AcmeEmployee) =>
  JSON.stringify({ event_id: eventId, event, occurred_at: occurredAt, employee });

export const ann: AcmeEmployee = {
  id: "E-1001",
  work_email: " Ann.Lee@Acme.example ",
  first_name: "Ann",
  last_name: "Lee",
  department: "Engineering",
  job_title: "Engineer",
  location: "Berlin",
  employment_type: "Full-time",
  manager_id: "E-7",
};
