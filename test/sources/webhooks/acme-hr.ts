import { acmeSecret } from "../../../local/example-webhook-source.ts";
import { hmac } from "./harness.ts";

export { acmeHr, acmeSecret } from "../../../local/example-webhook-source.ts";

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
