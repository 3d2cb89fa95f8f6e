import * as z from "zod/mini";
import "../model/schema-messages.ts";

/**
 * What happened to a person's changes at one provider (or, for a dead letter, at idp-sync): applied,
 * retried later, rejected by the provider, held by the deprovisioning guard, dead-lettered, or in step
 * (planned, and nothing needed sending). Persons are identified by their key and the provider's user id,
 * which the state holds anyway; no attribute value, secret or hash is ever part of an entry.
 */
export const auditOutcomeSchema = z.enum([
  "applied",
  "retried",
  "rejected",
  "held",
  "dead-lettered",
  "in-step",
]);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

export const auditEntrySchema = z.strictObject({
  at: z.iso.datetime(),
  person: z.string(),
  /** Absent for dead letters, which the whole person's changes go to. */
  provider: z.optional(z.string()),
  userId: z.optional(z.string()),
  outcome: auditOutcomeSchema,
  op: z.optional(z.enum(["create", "patch", "status", "delete"])),
  /** The ids of the changes behind the outcome: the person's changes in the batch. */
  changes: z.array(z.string()),
  /** The provider's or the guard's reason, redacted as in logs and shortened. */
  reason: z.optional(z.string()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
