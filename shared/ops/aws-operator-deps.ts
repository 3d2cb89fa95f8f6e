import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbAuditTrail } from "../aws/dynamodb-audit-trail.ts";
import { DynamoDbDeprovisioningHolds } from "../aws/dynamodb-deprovisioning-holds.ts";
import { DynamoDbStateStore } from "../aws/dynamodb-state-store.ts";
import { changeSchedulerFromEnv } from "../aws/environment.ts";
import { scheduledChangesFor } from "../aws/eventbridge-scheduled-changes.ts";
import { SecretsManagerReader } from "../aws/secrets-manager.ts";
import { sendMessages } from "../aws/sqs-batch.ts";
import { SqsChangeQueue } from "../aws/sqs-change-queue.ts";
import { SqsDeadLetterSink } from "../aws/sqs-dead-letters.ts";
import { redriveDeadLetters } from "../aws/sqs-redrive.ts";
import { parseConfig } from "../config/schema.ts";
import { createLogger } from "../logging/logger.ts";
import type { ReconcileDeps } from "../reconcile/run.ts";
import { required, UsageError } from "./cli-args.ts";
import type { OperatorDeps } from "./operator-deps.ts";
import { terminalProgress } from "./progress.ts";
import { configuredReaders, reconcileDepsFor } from "./reconcile-deps.ts";

/**
 * The operator ports over the AWS adapters, from the command line's flags (or their variables). Each is
 * built when a command first uses it, so a command asks only for the flags it needs.
 */
export function awsOperatorDeps(values: Record<string, unknown>): OperatorDeps {
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const table = () => ({ client: dynamo, tableName: required(values, "table") });
  const scheduleGroup = typeof values["schedule-group"] === "string" ? values["schedule-group"] : undefined;
  return {
    get store() {
      return new DynamoDbStateStore(table());
    },
    get holds() {
      return new DynamoDbDeprovisioningHolds(table());
    },
    get audit() {
      // Reads look back as far as the status asks (at most the retention DynamoDB keeps anyway).
      const days = Number(values.days ?? 30);
      return new DynamoDbAuditTrail({ ...table(), retentionDays: Number.isInteger(days) ? days : 30 });
    },
    get deadLetters() {
      return new SqsDeadLetterSink({ client: sqs, queueUrl: required(values, "dlq-url") });
    },
    requeue: async (bodies) => {
      const failures = await sendMessages(
        sqs,
        required(values, "queue-url"),
        bodies.map((body) => ({ body })),
      );
      if (failures.length > 0) throw new Error(`${failures.length} changes were not requeued: run it again`);
    },
    redrive: (options) =>
      redriveDeadLetters({
        client: sqs,
        deadLetterQueueUrl: required(values, "dlq-url"),
        queueUrl: required(values, "queue-url"),
        ...options,
      }),
    reconcile: ({ files }) => awsReconcileDeps(values, dynamo, sqs, files),
    ...(scheduleGroup
      ? {
          scheduledFor: (person: string) =>
            scheduledChangesFor(new SchedulerClient({}), scheduleGroup, person),
        }
      : {}),
  };
}

/** A reconcile run's ports on AWS: the deployment's configuration file, its table, queue and secrets. */
function awsReconcileDeps(
  values: Record<string, unknown>,
  dynamo: DynamoDBClient,
  sqs: SQSClient,
  files: Readonly<Record<string, string>> | undefined,
): ReconcileDeps {
  const path = resolve(String(values.config ?? process.env.IDP_SYNC_CONFIG_FILE ?? "idp-sync.config.json"));
  if (!existsSync(path)) throw new UsageError(`configuration file ${path} does not exist: give --config`);
  const config = parseConfig(JSON.parse(readFileSync(path, "utf8")));
  const scheduler = changeSchedulerFromEnv(process.env);
  return reconcileDepsFor(config, {
    store: new DynamoDbStateStore({ client: dynamo, tableName: required(values, "table") }),
    // Only an apply sends: a dry run needs no queue URL.
    queue: {
      send: (changes) =>
        new SqsChangeQueue({ client: sqs, queueUrl: required(values, "queue-url") }).send(changes),
    },
    secrets: new SecretsManagerReader(),
    log: createLogger("idp-sync-reconcile", "WARN"),
    readersFor: configuredReaders,
    progress: terminalProgress(process.stderr),
    ...(files ? { files } : {}),
    ...(scheduler ? { scheduler } : {}),
  });
}
