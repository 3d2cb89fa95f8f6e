import * as z from "zod/mini";
import "../model/schema-messages.ts";

/** One source's scheduled reconcile run on AWS (EventBridge Scheduler). */
export const reconcileSourceSchema = z.strictObject({
  /** The source whose full directory is read: an HR webhook source with an API, or a file source. */
  source: z.string().check(z.minLength(1), z.maxLength(128)),
  /** An EventBridge Scheduler expression: `cron(…)`, `rate(…)`. Default: every day at 03:00. */
  schedule: z._default(
    z
      .string()
      .check(
        z.regex(/^(cron|rate)\(.+\)$/, "must be an EventBridge Scheduler cron(…) or rate(…) expression"),
      ),
    "cron(0 3 * * ? *)",
  ),
  /** IANA time zone the cron expression is read in. */
  timeZone: z._default(z.string().check(z.minLength(1), z.maxLength(64)), "UTC"),
  /** report: plan and publish the drift metrics only; repair: also apply the plan through the queue. */
  mode: z._default(z.enum(["report", "repair"]), "report"),
  /**
   * Whether people absent from a complete snapshot are leavers. Set false when another source (SCIM, a
   * second HR system) provisions people too: they are absent from this source's directory by design.
   */
  leavers: z._default(z.boolean(), true),
});
export type ReconcileSourceConfig = z.infer<typeof reconcileSourceSchema>;

export const reconcileSchema = z.strictObject({
  /** Users per page when listing a provider (Descope search `limit`, ZITADEL `query.limit`). */
  listPageSize: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 100),
  sources: z._default(z.array(reconcileSourceSchema), []),
});
export type ReconcileConfig = z.infer<typeof reconcileSchema>;
