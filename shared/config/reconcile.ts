import { z } from "zod";

/** One source's scheduled reconcile run on AWS (EventBridge Scheduler). */
export const reconcileSourceSchema = z.strictObject({
  /** The source whose full directory is read: an HR webhook source with an API, or a file source. */
  source: z.string().min(1).max(128),
  /** An EventBridge Scheduler expression: `cron(…)`, `rate(…)`. Default: every day at 03:00. */
  schedule: z
    .string()
    .regex(/^(cron|rate)\(.+\)$/, "must be an EventBridge Scheduler cron(…) or rate(…) expression")
    .default("cron(0 3 * * ? *)"),
  /** IANA time zone the cron expression is read in. */
  timeZone: z.string().min(1).max(64).default("UTC"),
  /** report: plan and publish the drift metrics only; repair: also apply the plan through the queue. */
  mode: z.enum(["report", "repair"]).default("report"),
  /**
   * Whether people absent from a complete snapshot are leavers. Set false when another source (SCIM, a
   * second HR system) provisions people too: they are absent from this source's directory by design.
   */
  leavers: z.boolean().default(true),
});
export type ReconcileSourceConfig = z.infer<typeof reconcileSourceSchema>;

export const reconcileSchema = z.strictObject({
  /** Users per page when listing a provider (Descope search `limit`, ZITADEL `query.limit`). */
  listPageSize: z.int().min(1).max(1000).default(100),
  sources: z.array(reconcileSourceSchema).default([]),
});
export type ReconcileConfig = z.infer<typeof reconcileSchema>;
