import { fileURLToPath } from "node:url";
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { HttpApi, PayloadFormatVersion } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { AttributeType, BillingMode, ProjectionType, Table } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { ScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import { type ISecret, Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { stateTable } from "../shared/aws/state-table.ts";
import type { Config } from "../shared/config/schema.ts";
import type { WebhookSourceConfig } from "../shared/config/webhooks.ts";
import { heldMetricName } from "../shared/sync/deprovisioning-guard.ts";
import { Reconcile } from "./reconcile.ts";

export interface IdpSyncStackProps extends StackProps {
  /** The validated configuration; it holds secret names only, so it may travel in plain sight. */
  config: Config;
}

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const ingestEntry = `${repoRoot}functions/ingest/handler.ts`;
const syncEntry = `${repoRoot}functions/sync/handler.ts`;

/** Lambda allows 4 KB of environment in all; the rest is left for the other variables. */
const maxConfigBytes = 3500;
/** Powertools metrics of the sync function: this namespace, and its service name as a dimension. */
const metricNamespace = "idp-sync";
const syncServiceName = "idp-sync-sync";

/** The sync function must outlive a provider request (10 s by default) with room to record the results. */
const minSyncTimeoutSeconds = 10;

/**
 * idp-sync in one stack: HTTP API → ingest → SQS (+ DLQ) → sync → Descope / ZITADEL, with the person
 * records in DynamoDB and every credential read from Secrets Manager at run time. Each function gets the
 * permissions its code paths need for this configuration, nothing more.
 */
export class IdpSyncStack extends Stack {
  constructor(scope: Construct, id: string, props: IdpSyncStackProps) {
    super(scope, id, props);
    const { config } = props;
    const configJson = JSON.stringify(config);
    if (Buffer.byteLength(configJson) > maxConfigBytes)
      throw new Error(
        `the configuration is ${Buffer.byteLength(configJson)} bytes as JSON; Lambda's environment fits ${maxConfigBytes}`,
      );
    const window = config.queue.maxBatchingWindowSeconds;
    // AWS: visibility ≥ 6 × function timeout; messages are already in flight while the window fills.
    const syncTimeoutSeconds = Math.min(
      900,
      Math.floor((config.queue.visibilityTimeoutSeconds - window) / 6),
    );
    if (syncTimeoutSeconds < minSyncTimeoutSeconds)
      throw new Error(
        `queue.visibilityTimeoutSeconds must be at least ${6 * minSyncTimeoutSeconds + window} ` +
          `(6 × a sync timeout of ${minSyncTimeoutSeconds} s + the batching window)`,
      );

    const deadLetters = new Queue(this, "DeadLetters", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const changes = new Queue(this, "Changes", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(config.queue.visibilityTimeoutSeconds),
      // Outlasts a broken deployment over a long weekend; SQS keeps the original enqueue time when it
      // moves a message to the DLQ, so a dead letter still has a week there to be looked at.
      retentionPeriod: Duration.days(7),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: config.queue.maxReceiveCount },
    });
    const table = new Table(this, "State", {
      partitionKey: { name: stateTable.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: stateTable.timeToLiveAttribute,
      // What each provider acknowledged is only here: losing it would re-create every user.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: stateTable.loginIdIndex,
      partitionKey: { name: stateTable.loginIdAttribute, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    const common = {
      IDP_SYNC_CONFIG: configJson,
      QUEUE_URL: changes.queueUrl,
      STATE_TABLE: table.tableName,
    };
    const ingest = this.#function("Ingest", ingestEntry, {
      timeout: Duration.seconds(10),
      memorySize: 512,
      environment: { ...common, POWERTOOLS_SERVICE_NAME: "idp-sync-ingest" },
    });
    const sync = this.#function("Sync", syncEntry, {
      timeout: Duration.seconds(syncTimeoutSeconds),
      memorySize: 1024,
      environment: { ...common, DLQ_URL: deadLetters.queueUrl, POWERTOOLS_SERVICE_NAME: syncServiceName },
    });

    changes.grantSendMessages(ingest);
    sync.addEventSource(
      new SqsEventSource(changes, {
        batchSize: config.queue.batchSize,
        maxBatchingWindow: Duration.seconds(window),
        maxConcurrency: config.queue.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    deadLetters.grantSendMessages(sync);
    table.grantReadWriteData(sync);

    const secrets = new Map<string, ISecret>();
    const grantSecrets = (grantee: IGrantable, names: readonly string[]) => {
      for (const name of new Set(names)) {
        const secret = secrets.get(name) ?? importSecret(this, `Secret${secrets.size}`, name);
        secrets.set(name, secret);
        secret.grantRead(grantee);
      }
    };
    grantSecrets(ingest, [
      ...config.scim.map((source) => source.tokenSecretName),
      ...config.webhooks.flatMap((source) => source.secretNames),
    ]);
    grantSecrets(sync, [
      ...config.providers.map((provider) => provider.secretName),
      ...config.webhooks.flatMap((source) => hrApiSecretName(source) ?? []),
    ]);
    if (config.scim.length > 0) this.#scimIntake(table, ingest);
    if (config.webhooks.length > 0) this.#replayClaims(table, ingest);
    // Future-dated leavers are held by ingest (full events) and sync (what a refresh reveals); sync also
    // brings deactivated persons back when a provider's deleteAfterDays falls due, and persons ZITADEL
    // cannot create yet (no e-mail or names) when their wait for the data runs out.
    const refreshes = config.webhooks.some((source) => hrApiSecretName(source) !== undefined);
    const delayedDeletes = config.providers.some((provider) => provider.deleteAfterDays !== undefined);
    const reconciliation =
      config.reconcile.sources.length > 0
        ? new Reconcile(this, "Reconciliation", {
            config,
            table,
            changes,
            environment: common,
            makeFunction: (id, entry, settings) => this.#function(id, entry, settings),
            grantSecrets,
            sourceSecretNames: (name) => {
              const source = config.webhooks.find((webhook) => webhook.name === name);
              return source ? [hrApiSecretName(source) ?? []].flat() : [];
            },
          })
        : undefined;
    const waitsForData = config.providers.some((provider) => provider.type === "zitadel");
    const schedulers = [
      ...(config.webhooks.length > 0 ? [ingest] : []),
      ...(refreshes || delayedDeletes || waitsForData ? [sync] : []),
      // Reconcile holds the leavers a directory lists with a leaving date ahead.
      ...(reconciliation ? [reconciliation.function] : []),
    ];
    if (schedulers.length > 0) this.#changeScheduling(changes, schedulers);

    const api = new HttpApi(this, "Api", {
      description: "idp-sync: SCIM 2.0 and HR webhooks",
      defaultIntegration: new HttpLambdaIntegration("Ingest", ingest, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    });

    this.#alarms(config, changes, deadLetters);

    new CfnOutput(this, "ApiUrl", {
      value: api.apiEndpoint,
      description: "Base URL for SCIM clients and webhooks",
    });
    new CfnOutput(this, "QueueUrl", { value: changes.queueUrl });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: deadLetters.queueUrl });
    new CfnOutput(this, "StateTableName", { value: table.tableName });
  }

  /**
   * What an operator must hear about (OPERATIONS.md says what to do): dead letters, changes waiting too long,
   * and leavers the deprovisioning guard holds. Add an alarm action (SNS, chat) to be told.
   */
  #alarms(config: Config, changes: Queue, deadLetters: Queue) {
    const minute = Duration.minutes(1);
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    alarm(
      "DeadLettersAlarm",
      deadLetters.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: "Maximum" }),
      0,
      "idp-sync: changes are in the dead-letter queue. Read their reasons (npm run redrive -- --dry-run), fix the cause, then npm run redrive.",
    );
    alarm(
      "OldestChangeAlarm",
      changes.metricApproximateAgeOfOldestMessage({ period: minute, statistic: "Maximum" }),
      config.alarms.oldestChangeAgeSeconds,
      `idp-sync: a change has waited more than ${config.alarms.oldestChangeAgeSeconds} s: a provider is failing or rate-limiting, or sync is failing.`,
    );
    config.providers.forEach((provider, index) => {
      const held = new Metric({
        namespace: metricNamespace,
        metricName: heldMetricName,
        dimensionsMap: { service: syncServiceName, provider: provider.name },
        statistic: "Sum",
        period: minute,
      });
      alarm(
        `DeprovisioningHeld${index}Alarm`,
        held,
        0,
        `idp-sync: the deprovisioning guard holds leavers for ${provider.name}. Check them (npm run guard -- list), then release or discard.`,
      );
    });
  }

  #function(id: string, entry: string, props: FunctionSettings) {
    return new NodejsFunction(this, id, {
      entry,
      handler: "handler",
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      ...props,
      environment: { ...props.environment, NODE_OPTIONS: "--enable-source-maps" },
      logGroup: new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ["module", "main"],
        minify: true,
        sourceMap: true,
        // The AWS SDK is bundled too, so the versions tested here are the versions that run.
        externalModules: [],
        // Some CommonJS dependencies call require(); an ES module has none unless it is made.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
  }

  /**
   * SCIM answers reads from the table and merges every accepted write into the person's record at once
   * (read-your-writes); its groups and userName claims live there too. Ingest never deletes a person: only
   * group items and the claims of userNames given up.
   */
  #scimIntake(table: Table, ingest: NodejsFunction) {
    table.grantReadData(ingest);
    ingest.addToRolePolicy(
      new PolicyStatement({ actions: ["dynamodb:PutItem"], resources: [table.tableArn] }),
    );
    const deletableKeys = [
      stateTable.scimGroupPrefix,
      stateTable.scimGroupDirectoryPrefix,
      stateTable.userNamePrefix,
    ].map((prefix) => `${prefix}*`);
    ingest.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:DeleteItem"],
        resources: [table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": deletableKeys } },
      }),
    );
  }

  /** Ingest refuses replayed webhook deliveries with claims in the state table (keys `replay#…` only). */
  #replayClaims(table: Table, ingest: NodejsFunction) {
    ingest.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
        resources: [table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["replay#*"] } },
      }),
    );
  }

  /**
   * Changes held for later are EventBridge schedules that send the change to the queue when it is due;
   * Scheduler assumes a role that can only send to the change queue.
   */
  #changeScheduling(changes: Queue, schedulers: readonly NodejsFunction[]) {
    const group = new ScheduleGroup(this, "Leavers");
    new CfnOutput(this, "ScheduleGroupName", { value: group.scheduleGroupName });
    const role = new Role(this, "SchedulerRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    });
    changes.grantSendMessages(role);
    for (const fn of schedulers) {
      group.grantWriteSchedules(fn);
      group.grantDeleteSchedules(fn);
      role.grantPassRole(fn.grantPrincipal);
      fn.addEnvironment("SCHEDULE_GROUP", group.scheduleGroupName);
      fn.addEnvironment("SCHEDULER_ROLE_ARN", role.roleArn);
      fn.addEnvironment("QUEUE_ARN", changes.queueArn);
    }
  }
}

type FunctionSettings = Required<Pick<NodejsFunctionProps, "timeout" | "memorySize" | "environment">>;

/** A name, or the complete ARN the console shows; never created here, so no value is ever in a template. */
function importSecret(scope: Construct, id: string, nameOrArn: string): ISecret {
  return nameOrArn.startsWith("arn:")
    ? Secret.fromSecretCompleteArn(scope, id, nameOrArn)
    : Secret.fromSecretNameV2(scope, id, nameOrArn);
}

/** The credentials the sync function reads to fetch a person from the HR system (thin webhooks). */
function hrApiSecretName(source: WebhookSourceConfig): string | undefined {
  switch (source.type) {
    case "bamboohr":
      return source.api?.apiKeySecretName;
    case "hibob":
    case "personio":
      return source.api.credentialsSecretName;
    default:
      return undefined;
  }
}
