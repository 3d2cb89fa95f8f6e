import { readFileSync } from "node:fs";
import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { type ReconcileReport, reconcileReport, renderReport } from "../reconcile/report.ts";
import { runReconcile } from "../reconcile/run.ts";
import { UsageError } from "./cli-args.ts";
import { defineCommand } from "./define-command.ts";

const reconcileArgsSchema = z.strictObject({
  source: z.optional(z.string().check(z.minLength(1))),
  provider: z.optional(z.string().check(z.minLength(1))),
  dryRun: z._default(z.boolean(), false),
  /** Directory exports by file source name: the CLI reads `--file` and sends its text. */
  files: z.optional(z.record(z.string(), z.string())),
});

/**
 * `npm run reconcile`: reads a source's directory, every provider's users and the state; prints the plan,
 * and without --dry-run applies it through the change queue. On AWS (config file, table, queue) or with
 * --local on the local runtime.
 */
export const reconcileCommand = defineCommand({
  synopsis:
    "[--source name [--file export.csv]] [--provider name] [--dry-run] [--json] [--local [url]] [--config f] [--table t] [--queue-url u]",
  options: {
    source: { type: "string", description: "the source to read (needed when several are configured)" },
    file: { type: "string", description: "a directory export (CSV, JSON) of the file source --source names" },
    provider: { type: "string", description: "only this provider (default: every provider)" },
    "dry-run": { type: "boolean", description: "preview the plan: nothing is written or sent" },
    config: {
      type: "string",
      description: "configuration file on AWS (env IDP_SYNC_CONFIG_FILE; default ./idp-sync.config.json)",
    },
  },
  args: reconcileArgsSchema,
  fromCommandLine: (values, positionals) => {
    if (positionals.length > 0) throw new UsageError(`unexpected "${positionals.join(" ")}"`);
    const source = typeof values.source === "string" ? values.source : undefined;
    const file = typeof values.file === "string" ? values.file : undefined;
    if (file !== undefined && source === undefined)
      throw new UsageError("--file needs --source: the file source the export belongs to");
    const provider = typeof values.provider === "string" ? values.provider : undefined;
    return {
      dryRun: values["dry-run"] === true,
      ...(source ? { source } : {}),
      ...(provider ? { provider } : {}),
      ...(file && source ? { files: { [source]: readFileSync(file, "utf8") } } : {}),
    };
  },
  run: async (deps, { files, ...args }) => {
    if (!deps.reconcile) throw new Error("reconcile is not available here");
    return reconcileReport(await runReconcile(deps.reconcile(files ? { files } : {}), args));
  },
  render: (report: ReconcileReport) => ({
    text: renderReport(report),
    exitCode: report.status === "planned" && (report.applied?.failed.length ?? 0) === 0 ? 0 : 1,
  }),
});
