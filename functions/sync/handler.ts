import { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbAuditTrail } from "../../shared/aws/dynamodb-audit-trail.ts";
import { DynamoDbDeprovisioningHolds } from "../../shared/aws/dynamodb-deprovisioning-holds.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { changeSchedulerFromEnv, configFromEnv, requiredEnv } from "../../shared/aws/environment.ts";
import { SecretsManagerReader } from "../../shared/aws/secrets-manager.ts";
import { SqsDeadLetterSink } from "../../shared/aws/sqs-dead-letters.ts";
import { SqsMessageVisibility } from "../../shared/aws/sqs-message-visibility.ts";
import { syncConcurrency } from "../../shared/config/sync-capacity.ts";
import { createLogger } from "../../shared/logging/logger.ts";
import { createProviders } from "../../shared/providers/registry.ts";
import { createSyncHandler } from "./create-handler.ts";
import { syncDepsFor } from "./sync-deps.ts";

const config = configFromEnv();
const logger = createLogger("idp-sync-sync");
// Its own warnings (e.g. an invocation that failed before counting anything) go to the structured log.
const metrics = new Metrics({ namespace: "idp-sync", logger });
const sqs = new SQSClient({});
const secrets = new SecretsManagerReader();
const scheduler = await changeSchedulerFromEnv();
const dynamo = new DynamoDBClient({});
const tableName = requiredEnv("STATE_TABLE");

export const handler = createSyncHandler(
  syncDepsFor(config, {
    store: new DynamoDbStateStore({ client: dynamo, tableName }),
    providers: createProviders(config.providers, {
      secrets,
      log: logger,
      concurrency: syncConcurrency(config),
    }),
    deadLetters: new SqsDeadLetterSink({ client: sqs, queueUrl: requiredEnv("DLQ_URL") }),
    visibility: new SqsMessageVisibility({ client: sqs, queueUrl: requiredEnv("QUEUE_URL") }),
    holds: new DynamoDbDeprovisioningHolds({ client: dynamo, tableName }),
    audit: new DynamoDbAuditTrail({ client: dynamo, tableName, retentionDays: config.audit.retentionDays }),
    secrets,
    log: logger,
    ...(scheduler ? { scheduler } : {}),
  }),
  logger,
  { metrics },
);
