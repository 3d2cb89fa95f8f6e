import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbStateStore } from "../aws/dynamodb-state-store.ts";
import { changeSchedulerFromEnv } from "../aws/environment.ts";
import { SecretsManagerReader } from "../aws/secrets-manager.ts";
import { SqsChangeQueue } from "../aws/sqs-change-queue.ts";
import { type Config, parseConfig } from "../config/schema.ts";
import { createLogger } from "../logging/logger.ts";
import { planAsJson, renderPlan } from "../reconcile/report.ts";
import { runReconcile } from "../reconcile/run.ts";
import type { ReaderFactory } from "../reconcile/wiring.ts";
import { reconcileDepsFor } from "../reconcile/wiring.ts";
import { awsFlags, parseCommandLine, reportFailure, required, UsageError, usage } from "./cli-args.ts";
import { terminalProgress } from "./progress.ts";

const options = {
  table: awsFlags.table,
  "queue-url": awsFlags["queue-url"],
  config: {
    type: "string",
    description: "configuration file (env IDP_SYNC_CONFIG_FILE; default ./idp-sync.config.json)",
  },
  source: { type: "string", description: "the source to read (needed when several are configured)" },
  file: { type: "string", description: "a directory export (CSV, JSON) of the file source --source names" },
  provider: { type: "string", description: "only this provider (default: every provider)" },
  "dry-run": { type: "boolean", description: "preview the plan: nothing is written or sent" },
  json: { type: "boolean", description: "print the whole plan as JSON" },
} as const;
const synopsis =
  "[--source name] [--provider name] [--dry-run] [--json] [--config f] [--table t] [--queue-url u]";

export interface ReconcileCliDeps {
  readersFor: ReaderFactory;
  print?: (text: string) => void;
  stderr?: NodeJS.WriteStream;
}

/**
 * `npm run reconcile`: reads a source's directory, the providers' users and the state table of a deployed
 * stack, prints the plan, and (without --dry-run) applies it through the change queue. Resolves with the
 * exit code: 0 done, 1 failed, 2 a wrong command line.
 */
export async function runReconcileCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  { readersFor, print = console.log, stderr = process.stderr }: ReconcileCliDeps,
): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv, env, options);
    if (positionals.length > 0) throw new UsageError(`unexpected "${positionals.join(" ")}"`);
    const config = readConfig(values.config ?? env.IDP_SYNC_CONFIG_FILE);
    const dryRun = values["dry-run"] === true;
    const source = typeof values.source === "string" ? values.source : undefined;
    if (typeof values.file === "string" && source === undefined)
      throw new UsageError("--file needs --source: the file source the export belongs to");
    const files =
      typeof values.file === "string" && source ? { [source]: readFileSync(values.file, "utf8") } : {};
    const scheduler = changeSchedulerFromEnv(env);
    const log = createLogger("idp-sync-reconcile", "WARN");
    const { progress, done } = terminalProgress(stderr);
    const deps = reconcileDepsFor(config, {
      store: new DynamoDbStateStore({ client: new DynamoDBClient({}), tableName: required(values, "table") }),
      queue: dryRun
        ? { send: async () => Promise.reject(new Error("a dry run sends nothing")) }
        : new SqsChangeQueue({ client: new SQSClient({}), queueUrl: required(values, "queue-url") }),
      secrets: new SecretsManagerReader(),
      log,
      readersFor,
      files,
      progress,
      ...(scheduler ? { scheduler } : {}),
    });
    const result = await runReconcile(deps, {
      dryRun,
      ...(source ? { source } : {}),
      ...(typeof values.provider === "string" ? { provider: values.provider } : {}),
    });
    done();
    print(values.json === true ? JSON.stringify(planAsJson(result), null, 2) : renderPlan(result));
    return result.status === "planned" && (result.applied?.failed.length ?? 0) === 0 ? 0 : 1;
  } catch (error) {
    return reportFailure(error, usage("reconcile", synopsis, options), print);
  }
}

function readConfig(requested: unknown): Config {
  const path = resolve(typeof requested === "string" ? requested : "idp-sync.config.json");
  if (!existsSync(path)) throw new UsageError(`configuration file ${path} does not exist: give --config`);
  return parseConfig(JSON.parse(readFileSync(path, "utf8")));
}
