import { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbSnapshotStore } from "../../shared/aws/dynamodb-snapshot-store.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { changeSchedulerFromEnv, configFromEnv, requiredEnv } from "../../shared/aws/environment.ts";
import { EventBridgeReconcileResume } from "../../shared/aws/eventbridge-reconcile-resume.ts";
import { SecretsManagerReader } from "../../shared/aws/secrets-manager.ts";
import { SqsChangeQueue } from "../../shared/aws/sqs-change-queue.ts";
import { createLogger } from "../../shared/logging/logger.ts";
import { configuredReaders, reconcileDepsFor } from "../../shared/ops/reconcile-deps.ts";
import { createReconcileHandler } from "./create-handler.ts";

const config = configFromEnv();
const logger = createLogger("idp-sync-reconcile");
const metrics = new Metrics({ namespace: "idp-sync" });
const dynamo = new DynamoDBClient({});
const tableName = requiredEnv("STATE_TABLE");
const scheduler = new SchedulerClient({});
const changeScheduler = changeSchedulerFromEnv();

export const handler = createReconcileHandler(
  config,
  {
    ...reconcileDepsFor(config, {
      store: new DynamoDbStateStore({ client: dynamo, tableName }),
      queue: new SqsChangeQueue({ client: new SQSClient({}), queueUrl: requiredEnv("QUEUE_URL") }),
      secrets: new SecretsManagerReader(),
      log: logger,
      readersFor: configuredReaders,
      ...(changeScheduler ? { scheduler: changeScheduler } : {}),
    }),
    snapshots: new DynamoDbSnapshotStore({ client: dynamo, tableName }),
    resumeVia: (functionArn) =>
      new EventBridgeReconcileResume({
        client: scheduler,
        functionArn,
        roleArn: requiredEnv("RECONCILE_SCHEDULER_ROLE_ARN"),
        groupName: requiredEnv("RECONCILE_SCHEDULE_GROUP"),
      }),
  },
  logger,
  metrics,
);
