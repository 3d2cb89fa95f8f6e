import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  HttpApi,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { AttributeType, BillingMode, ProjectionType, Table } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, type IRole, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { ScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import { type ISecret, Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { stateTable } from "../shared/aws/state-table.ts";
import type { Config } from "../shared/config/schema.ts";
import {
  minSyncTimeoutSeconds,
  syncConcurrency,
  syncTimeoutSeconds,
} from "../shared/config/sync-capacity.ts";
import type { WebhookSourceConfig } from "../shared/config/webhooks.ts";
import { bundleLambdaSync, type LambdaName, repoRoot } from "./lambda-bundle.ts";
import { IdpSyncMonitoring, serviceNames } from "./monitoring.ts";
import { acknowledgeScheduleWildcard } from "./nag.ts";
import { Reconcile } from "./reconcile.ts";

export interface IdpSyncProps {
  /** The validated configuration (`parseConfig`); it holds secret names only, so it may travel in plain sight. */
  readonly config: Config;
  /** How long the functions' and the API's logs are kept. Default: one month. */
  readonly logRetention?: RetentionDays;
  /**
   * The SNS topic the alarms notify. Default: `config.alarms.topicArn`, else a topic this construct creates
   * (with `config.alarms.email` subscribed).
   */
  readonly alarmTopic?: ITopic;
}

/** Lambda allows 4 KB of environment in all; the rest is left for the other variables. */
const maxConfigBytes = 3500;

/**
 * idp-sync as one construct: HTTP API → ingest → SQS (+ DLQ) → sync → Descope / ZITADEL, with the person
 * records in DynamoDB, every credential read from Secrets Manager at run time, alarms and a dashboard.
 * Each function gets the permissions its code paths need for this configuration, nothing more.
 */
export class IdpSync extends Construct {
  readonly api: HttpApi;
  readonly changes: Queue;
  readonly deadLetters: Queue;
  readonly table: Table;
  readonly ingest: LambdaFunction;
  readonly sync: LambdaFunction;
  readonly monitoring: IdpSyncMonitoring;
  /** The EventBridge Scheduler group of held changes, when the configuration holds any. */
  readonly scheduleGroup?: ScheduleGroup;
  /** Scheduled reconciliation, when the configuration reconciles any source. */
  readonly reconciliation?: Reconcile;
  readonly #logRetention: RetentionDays;
  readonly #secrets = new Map<string, ISecret>();

  constructor(scope: Construct, id: string, props: IdpSyncProps) {
    super(scope, id);
    const { config } = props;
    this.#logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const configJson = JSON.stringify(config);
    if (Buffer.byteLength(configJson) > maxConfigBytes)
      throw new Error(
        `the configuration is ${Buffer.byteLength(configJson)} bytes as JSON; Lambda's environment fits ${maxConfigBytes}`,
      );
    const window = config.queue.maxBatchingWindowSeconds;
    const syncTimeout = syncTimeoutSeconds(config.queue);
    if (syncTimeout < minSyncTimeoutSeconds)
      throw new Error(
        `queue.visibilityTimeoutSeconds must be at least ${6 * minSyncTimeoutSeconds + window} ` +
          `(6 × a sync timeout of ${minSyncTimeoutSeconds} s + the batching window)`,
      );

    this.deadLetters = new Queue(this, "DeadLetters", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.changes = new Queue(this, "Changes", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(config.queue.visibilityTimeoutSeconds),
      // Outlasts a broken deployment over a long weekend; SQS keeps the original enqueue time when it
      // moves a message to the DLQ, so a dead letter still has a week there to be looked at.
      retentionPeriod: Duration.days(7),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: config.queue.maxReceiveCount },
    });
    this.table = this.#stateTable();

    const common = {
      IDP_SYNC_CONFIG: configJson,
      QUEUE_URL: this.changes.queueUrl,
      STATE_TABLE: this.table.tableName,
    };
    this.ingest = this.#function("Ingest", "ingest", {
      timeout: Duration.seconds(10),
      memorySize: 512,
      environment: { ...common, POWERTOOLS_SERVICE_NAME: serviceNames.ingest },
    });
    const concurrency = syncConcurrency(config);
    this.sync = this.#function("Sync", "sync", {
      timeout: Duration.seconds(syncTimeout),
      memorySize: 1024,
      environment: {
        ...common,
        DLQ_URL: this.deadLetters.queueUrl,
        POWERTOOLS_SERVICE_NAME: serviceNames.sync,
      },
      ...(config.queue.reserveConcurrency ? { reservedConcurrentExecutions: concurrency } : {}),
    });

    this.changes.grantSendMessages(this.ingest);
    this.sync.addEventSource(
      new SqsEventSource(this.changes, {
        batchSize: config.queue.batchSize,
        maxBatchingWindow: Duration.seconds(window),
        maxConcurrency: concurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.deadLetters.grantSendMessages(this.sync);
    // The audit trail is written in batches.
    this.#tableAccess(this.sync, [...readItems, ...writeItems, "dynamodb:BatchWriteItem"]);
    this.#grantSecrets(this.ingest, [
      ...config.scim.map((source) => source.tokenSecretName),
      ...config.webhooks.flatMap((source) => source.secretNames),
    ]);
    this.#grantSecrets(this.sync, [
      ...config.providers.map((provider) => provider.secretName),
      ...config.webhooks.flatMap((source) => hrApiSecretName(source) ?? []),
    ]);
    if (config.scim.length > 0) this.#scimIntake();
    if (config.webhooks.length > 0) this.#replayClaims();
    // Future-dated leavers are held by ingest (full events) and sync (what a refresh reveals); sync also
    // brings deactivated persons back when a provider's deleteAfterDays falls due, and persons ZITADEL
    // cannot create yet (no e-mail or names) when their wait for the data runs out.
    const refreshes = config.webhooks.some((source) => hrApiSecretName(source) !== undefined);
    const delayedDeletes = config.providers.some((provider) => provider.deleteAfterDays !== undefined);
    const waitsForData = config.providers.some((provider) => provider.type === "zitadel");
    if (config.reconcile.sources.length > 0) this.reconciliation = this.#reconciliation(config, common);
    const schedulers = [
      ...(config.webhooks.length > 0 ? [this.ingest] : []),
      ...(refreshes || delayedDeletes || waitsForData ? [this.sync] : []),
      // Reconcile holds the leavers a directory lists with a leaving date ahead.
      ...(this.reconciliation ? [this.reconciliation.function] : []),
    ];
    if (schedulers.length > 0) this.scheduleGroup = this.#changeScheduling(schedulers);

    this.api = this.#api(config);
    this.monitoring = new IdpSyncMonitoring(this, "Monitoring", {
      config,
      changes: this.changes,
      deadLetters: this.deadLetters,
      functions: {
        ingest: this.ingest,
        sync: this.sync,
        ...(this.reconciliation ? { reconcile: this.reconciliation.function } : {}),
      },
      api: this.api,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
  }

  #stateTable() {
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
    return table;
  }

  /**
   * A function from the shared bundle definition (lambda-bundle.ts), built with the local esbuild, never
   * Docker. Its role has no managed policy: it may write to its own log group, and what is granted below.
   */
  #function(id: string, name: LambdaName, settings: FunctionSettings) {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: this.#logRetention });
    const role = new Role(this, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
    });
    logGroup.grantWrite(role);
    return new LambdaFunction(this, id, {
      code: Code.fromAsset(repoRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling either succeeds or throws.
          image: DockerImage.fromRegistry("dummy"),
          // Names the function in CDK's asset cache key, which the bundling function does not enter.
          command: ["bundle", name],
          local: {
            tryBundle: (outputDir) => {
              bundleLambdaSync(name, outputDir);
              return true;
            },
          },
        },
      }),
      handler: "index.handler",
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      role,
      logGroup,
      ...settings,
      environment: { ...settings.environment, NODE_OPTIONS: "--enable-source-maps" },
    });
  }

  /** Lets `grantee` read these secrets, each imported once by name or ARN. */
  #grantSecrets(grantee: IGrantable, names: readonly string[]) {
    for (const name of new Set(names)) {
      const secret = this.#secrets.get(name) ?? importSecret(this, `Secret${this.#secrets.size}`, name);
      this.#secrets.set(name, secret);
      secret.grantRead(grantee);
    }
  }

  #reconciliation(config: Config, environment: Record<string, string>) {
    return new Reconcile(this, "Reconciliation", {
      config,
      changes: this.changes,
      environment,
      makeFunction: (id, name, settings) => this.#function(id, name, settings),
      useTable: (fn) => this.#tableAccess(fn, [...readItems, ...writeItems]),
      grantSecrets: (grantee, names) => this.#grantSecrets(grantee, names),
      sourceSecretNames: (name) => {
        const source = config.webhooks.find((webhook) => webhook.name === name);
        return source ? [hrApiSecretName(source) ?? []].flat() : [];
      },
    });
  }

  /**
   * SCIM answers reads from the table and merges every accepted write into the person's record at once
   * (read-your-writes); its groups and userName claims live there too. Ingest never deletes a person: only
   * group items and the claims of userNames given up.
   */
  #scimIntake() {
    // The state store writes a record with a conditional UpdateItem (PutItem for claims and groups).
    this.#tableAccess(this.ingest, [...readItems, "dynamodb:PutItem", "dynamodb:UpdateItem"]);
    const deletableKeys = [
      stateTable.scimGroupPrefix,
      stateTable.scimGroupDirectoryPrefix,
      stateTable.userNamePrefix,
    ].map((prefix) => `${prefix}*`);
    this.ingest.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:DeleteItem"],
        resources: [this.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": deletableKeys } },
      }),
    );
  }

  /**
   * The item operations the adapters call, on the table, and queries on its one index (persons by
   * loginId); nothing on streams, transactions or the table's description.
   */
  #tableAccess(fn: LambdaFunction, actions: readonly string[]) {
    fn.addToRolePolicy(new PolicyStatement({ actions: [...actions], resources: [this.table.tableArn] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: [`${this.table.tableArn}/index/${stateTable.loginIdIndex}`],
      }),
    );
  }

  /** Ingest refuses replayed webhook deliveries with claims in the state table (keys `replay#…` only). */
  #replayClaims() {
    this.ingest.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
        resources: [this.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["replay#*"] } },
      }),
    );
  }

  /**
   * Changes held for later are EventBridge schedules that send the change to the queue when it is due;
   * Scheduler assumes a role that can only send to the change queue.
   */
  #changeScheduling(schedulers: readonly LambdaFunction[]) {
    const group = new ScheduleGroup(this, "Leavers");
    const role = new Role(this, "SchedulerRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    });
    this.changes.grantSendMessages(role);
    for (const fn of schedulers) {
      acknowledgeScheduleWildcard(
        fn.role as IRole,
        group,
        "One EventBridge schedule per held leaver, named when it is held: the function may create, update and " +
          "delete schedules in idp-sync's own schedule group, and no other.",
      );
      group.grantWriteSchedules(fn);
      group.grantDeleteSchedules(fn);
      role.grantPassRole(fn.grantPrincipal);
      fn.addEnvironment("SCHEDULE_GROUP", group.scheduleGroupName);
      fn.addEnvironment("SCHEDULER_ROLE_ARN", role.roleArn);
      fn.addEnvironment("QUEUE_ARN", this.changes.queueArn);
    }
    return group;
  }

  /** Every request goes to ingest, which authenticates it; the stage throttles and logs each request. */
  #api(config: Config) {
    const api = new HttpApi(this, "Api", {
      description: "idp-sync: SCIM 2.0 and HR webhooks",
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration("Ingest", this.ingest, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    });
    Validations.of(api.node.findChild("DefaultRoute")).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "Ingest authenticates every request itself: SCIM bearer tokens, and HR webhook signatures over the raw " +
        "body, compared in constant time. An API Gateway authorizer cannot verify a signature over the body.",
    });
    const accessLogs = new LogGroup(this, "ApiAccessLogs", { retention: this.#logRetention });
    // Where HttpApi puts its own default stage: an existing deployment keeps its stage (a second "$default"
    // would collide with it).
    new HttpStage(api, "DefaultStage", {
      httpApi: api,
      stageName: "$default",
      autoDeploy: true,
      throttle: config.api.throttling,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });
    return api;
  }
}

/**
 * One JSON line per request. The path, never the query string: SCIM filters carry e-mail addresses.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: "$context.requestId",
    time: "$context.requestTime",
    ip: "$context.identity.sourceIp",
    method: "$context.httpMethod",
    path: "$context.path",
    status: "$context.status",
    responseLength: "$context.responseLength",
    latencyMs: "$context.responseLatency",
    integrationStatus: "$context.integrationStatus",
    integrationError: "$context.integrationErrorMessage",
  }),
);

type FunctionSettings = {
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  reservedConcurrentExecutions?: number;
};

const readItems = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"];
const writeItems = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

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
