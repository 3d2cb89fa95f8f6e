import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbReplayGuard } from "../../shared/aws/dynamodb-replay-guard.ts";
import { DynamoDbScimGroupStore } from "../../shared/aws/dynamodb-scim-group-store.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { changeSchedulerFromEnv, configFromEnv, requiredEnv } from "../../shared/aws/environment.ts";
import { SecretsManagerReader } from "../../shared/aws/secrets-manager.ts";
import { SqsChangeQueue } from "../../shared/aws/sqs-change-queue.ts";
import { createLogger } from "../../shared/logging/logger.ts";
import { createIngestHandler } from "./create-handler.ts";

const config = configFromEnv();
const logger = createLogger("idp-sync-ingest");
const dynamodb = new DynamoDBClient({});
const tableName = requiredEnv("STATE_TABLE");
const scheduler = await changeSchedulerFromEnv();

export const handler = createIngestHandler(
  {
    config,
    queue: new SqsChangeQueue({ client: new SQSClient({}), queueUrl: requiredEnv("QUEUE_URL") }),
    secrets: new SecretsManagerReader(),
    store: new DynamoDbStateStore({ client: dynamodb, tableName }),
    replayGuard: new DynamoDbReplayGuard({ client: dynamodb, tableName }),
    scimGroups: new DynamoDbScimGroupStore({ client: dynamodb, tableName }),
    log: logger,
    ...(scheduler ? { scheduler } : {}),
  },
  logger,
);
