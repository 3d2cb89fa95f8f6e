import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { IdpSyncStack } from "../../infra/idp-sync-stack.ts";
import { exampleConfigFile, loadConfig } from "../../infra/load-config.ts";
import { type Config, type ConfigInput, parseConfig } from "../../shared/config/schema.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const exampleConfig = loadConfig(undefined, join(repoRoot, "no-such-dir")).config;

/** Synthesises the stack; bundling (local esbuild, never Docker) only when asked, since it takes seconds. */
function synth(config: Config, options: { bundle?: boolean } = {}) {
  const app = new App(options.bundle ? {} : { context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new IdpSyncStack(app, "IdpSync", { config });
  return { app, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

interface FunctionProperties extends Record<string, unknown> {
  Timeout: number;
  Environment: { Variables: Record<string, unknown> };
}

function functionProps(template: Template, name: "Ingest" | "Sync"): FunctionProperties {
  const resources = template.toJSON().Resources as Resources;
  return resources[logicalId(template, "AWS::Lambda::Function", name)]?.Properties as FunctionProperties;
}

/** Names a resource in a policy: the construct behind a Ref/GetAtt, the secret name of a secret ARN. */
function label(resource: unknown): string {
  if (typeof resource === "string") return resource.replace(/^.*:secret:(.+)-\?{6}$/, "secret:$1");
  const value = resource as Record<string, unknown>;
  const strip = (id: string) => id.replace(/[0-9A-F]{8}$/, "");
  if ("Ref" in value) return strip(String(value.Ref));
  if ("Fn::GetAtt" in value) return strip(String((value["Fn::GetAtt"] as string[])[0]));
  if ("Fn::Join" in value) {
    const parts = (value["Fn::Join"] as [string, unknown[]])[1];
    return label(parts.map((part) => (typeof part === "string" ? part : label(part))).join(""));
  }
  return JSON.stringify(value);
}

/** Every permission a function's role has: action → the resources (labelled) it applies to. */
function permissions(template: Template, name: "Ingest" | "Sync"): Record<string, string[]> {
  const role = logicalId(template, "AWS::IAM::Role", `${name}ServiceRole`);
  const grants: Record<string, string[]> = {};
  for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
    if (!JSON.stringify(policy.Properties.Roles).includes(role)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      expect(statement.Effect).toBe("Allow");
      const condition = statement.Condition ? ` if ${JSON.stringify(statement.Condition)}` : "";
      for (const action of [statement.Action].flat() as string[])
        for (const resource of [statement.Resource].flat())
          grants[action] = [...(grants[action] ?? []), `${label(resource)}${condition}`].sort();
    }
  }
  return grants;
}

const sendToQueue = (queue: string) => ({
  "sqs:SendMessage": [queue],
  "sqs:GetQueueAttributes": [queue],
  "sqs:GetQueueUrl": [queue],
});
const readSecrets = (...names: string[]) => {
  const secrets = names.map((name) => (name.startsWith("arn:") ? name : `secret:${name}`)).sort();
  return { "secretsmanager:GetSecretValue": secrets, "secretsmanager:DescribeSecret": secrets };
};
const readTable = Object.fromEntries(
  [
    "BatchGetItem",
    "GetRecords",
    "GetShardIterator",
    "Query",
    "GetItem",
    "Scan",
    "ConditionCheckItem",
    "DescribeTable",
  ].map((action) => [`dynamodb:${action}`, ["State", "State/index/*"]]),
);
const readWriteTable = Object.fromEntries(
  [
    "BatchGetItem",
    "GetRecords",
    "GetShardIterator",
    "Query",
    "GetItem",
    "Scan",
    "ConditionCheckItem",
    "BatchWriteItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "DescribeTable",
  ].map((action) => [`dynamodb:${action}`, ["State", "State/index/*"]]),
);

describe("IdpSyncStack with the example configuration", () => {
  let app: App;
  let template: Template;
  beforeAll(() => {
    ({ app, template } = synth(exampleConfig, { bundle: true }));
  });

  it("bundles both handlers with the local esbuild as minified ESM with a require shim", () => {
    const assembly = app.synth().directory;
    const bundles = readdirSync(assembly).filter((entry) => entry.startsWith("asset."));
    expect(bundles).toHaveLength(2);
    for (const bundle of bundles) {
      expect(readdirSync(join(assembly, bundle)).sort()).toEqual(["index.mjs", "index.mjs.map"]);
      const code = readFileSync(join(assembly, bundle, "index.mjs"), "utf8");
      expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(")).toBe(
        true,
      );
    }
  });

  it("runs both functions on Node.js 24, arm64, from ESM bundles, with the configuration's names only", () => {
    for (const [name, memory, timeout, service] of [
      ["Ingest", 512, 10, "idp-sync-ingest"],
      ["Sync", 1024, 29, "idp-sync-sync"],
    ] as const) {
      const props = functionProps(template, name);
      expect(props).toMatchObject({
        Runtime: "nodejs24.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        MemorySize: memory,
        Timeout: timeout,
      });
      const variables = props.Environment.Variables;
      expect(JSON.parse(variables.IDP_SYNC_CONFIG as string)).toEqual(exampleConfig);
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: service,
        NODE_OPTIONS: "--enable-source-maps",
      });
      expect(Object.keys(variables).sort()).toEqual(
        [
          "IDP_SYNC_CONFIG",
          "NODE_OPTIONS",
          "POWERTOOLS_SERVICE_NAME",
          "QUEUE_URL",
          "STATE_TABLE",
          ...(name === "Sync" ? ["DLQ_URL"] : []),
        ].sort(),
      );
    }
  });

  it("keeps every function's logs for a month", () => {
    template.resourcePropertiesCountIs("AWS::Logs::LogGroup", { RetentionInDays: 30 }, 2);
    for (const name of ["Ingest", "Sync"] as const)
      expect(functionProps(template, name).LoggingConfig).toEqual({
        LogGroup: { Ref: logicalId(template, "AWS::Logs::LogGroup", `${name}Logs`) },
      });
  });

  it("routes every request of the HTTP API to ingest (payload format 2.0)", () => {
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", { StageName: "$default", AutoDeploy: true });
    template.resourceCountIs("AWS::ApiGatewayV2::Route", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "$default" });
    template.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
      IntegrationUri: { "Fn::GetAtt": [logicalId(template, "AWS::Lambda::Function", "Ingest"), "Arn"] },
    });
  });

  it("buffers changes in an encrypted queue whose dead letters stay 14 days", () => {
    const dlq = logicalId(template, "AWS::SQS::Queue", "DeadLetters");
    template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 7 * 86_400,
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlq, "Arn"] }, maxReceiveCount: 8 },
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it("keeps the visibility timeout at least six sync timeouts plus the batching window", () => {
    const visibility = exampleConfig.queue.visibilityTimeoutSeconds;
    const timeout = functionProps(template, "Sync").Timeout;
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout + exampleConfig.queue.maxBatchingWindowSeconds);
  });

  it("feeds sync from the queue in large batches with partial batch responses", () => {
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [logicalId(template, "AWS::SQS::Queue", "Changes"), "Arn"] },
      FunctionName: { Ref: logicalId(template, "AWS::Lambda::Function", "Sync") },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("keeps person records in an on-demand table with point-in-time recovery, retained on delete", () => {
    template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        KeySchema: [{ AttributeName: "person", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: "byLoginId",
            KeySchema: [{ AttributeName: "loginId", KeyType: "HASH" }],
            Projection: { ProjectionType: "KEYS_ONLY" },
          },
        ],
      },
    });
  });

  it("lets ingest read the SCIM token, send to the queue, read and merge person records, and nothing else", () => {
    expect(permissions(template, "Ingest")).toEqual({
      ...sendToQueue("Changes"),
      ...readSecrets("idp-sync/scim-token"),
      ...readTable,
      "dynamodb:PutItem": ["State"],
      "dynamodb:DeleteItem": [
        'State if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["scimgroup#*","scimgroups#*","username#*"]}}',
      ],
    });
  });

  it("lets sync consume the queue, dead-letter, use the table and read provider keys, and nothing else", () => {
    expect(permissions(template, "Sync")).toEqual({
      "sqs:ReceiveMessage": ["Changes"],
      "sqs:ChangeMessageVisibility": ["Changes"],
      "sqs:GetQueueUrl": ["Changes", "DeadLetters"].sort(),
      "sqs:DeleteMessage": ["Changes"],
      "sqs:GetQueueAttributes": ["Changes", "DeadLetters"].sort(),
      "sqs:SendMessage": ["DeadLetters"],
      ...readWriteTable,
      ...readSecrets("idp-sync/descope"),
    });
  });

  it("attaches no managed policy but the basic one that lets a function write its logs", () => {
    for (const name of ["Ingest", "Sync"]) {
      const role = template.toJSON().Resources[logicalId(template, "AWS::IAM::Role", `${name}ServiceRole`)];
      expect(role.Properties.ManagedPolicyArns).toEqual([
        {
          "Fn::Join": [
            "",
            ["arn:", { Ref: "AWS::Partition" }, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
          ],
        },
      ]);
    }
  });

  it("never creates a secret nor puts a secret value in the template", () => {
    template.resourceCountIs("AWS::SecretsManager::Secret", 0);
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toContain("SecretString");
    expect(json).not.toContain("{{resolve:secretsmanager");
  });

  it("outputs the API URL, the queue URLs and the table name", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      "ApiUrl",
      "DeadLetterQueueUrl",
      "QueueUrl",
      "StateTableName",
    ]);
    expect(outputs.QueueUrl?.Value).toEqual({ Ref: logicalId(template, "AWS::SQS::Queue", "Changes") });
    expect(outputs.StateTableName?.Value).toEqual({
      Ref: logicalId(template, "AWS::DynamoDB::Table", "State"),
    });
  });
});

describe("IdpSyncStack with HR webhooks", () => {
  const config = parseConfig({
    ...(exampleConfig as ConfigInput),
    scim: [
      { name: "okta", tokenSecretName: "idp-sync/okta-token" },
      { name: "entra", tokenSecretName: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:entra-AbCdEf" },
    ],
    webhooks: [
      {
        type: "bamboohr",
        name: "bamboo",
        secretNames: ["idp-sync/bamboo-signing", "idp-sync/bamboo-signing-next"],
        api: { baseUrl: "https://acme.bamboohr.com", apiKeySecretName: "idp-sync/bamboo-api" },
      },
      {
        type: "hibob",
        name: "bob",
        secretNames: ["idp-sync/bob-signing"],
        api: { credentialsSecretName: "idp-sync/bob-api" },
      },
    ],
  });
  let template: Template;
  beforeAll(() => {
    ({ template } = synth(config));
  });
  const schedules = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"];

  it("lets ingest verify signatures, claim deliveries in the table (replay keys only) and hold leavers", () => {
    const grants = permissions(template, "Ingest");
    expect(grants).toMatchObject({
      ...readSecrets(
        "idp-sync/okta-token",
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:entra-AbCdEf",
        "idp-sync/bamboo-signing",
        "idp-sync/bamboo-signing-next",
        "idp-sync/bob-signing",
      ),
      "iam:PassRole": ["SchedulerRole"],
    });
    const replayKeys = 'State if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["replay#*"]}}';
    expect(grants["dynamodb:PutItem"]).toContain(replayKeys);
    expect(grants["dynamodb:DeleteItem"]).toContain(replayKeys);
    // Deletes stay limited to claims and SCIM groups; ingest never updates or batch-writes.
    expect(grants["dynamodb:DeleteItem"]?.every((grant) => grant.includes("LeadingKeys"))).toBe(true);
    expect(grants["dynamodb:UpdateItem"]).toBeUndefined();
    expect(grants["dynamodb:BatchWriteItem"]).toBeUndefined();
    for (const action of schedules) expect(grants[action]).toHaveLength(1);
  });

  it("lets sync read the HR APIs' credentials and hold leavers, but not the signing secrets", () => {
    const grants = permissions(template, "Sync");
    expect(grants["secretsmanager:GetSecretValue"]).toEqual(
      ["secret:idp-sync/descope", "secret:idp-sync/bamboo-api", "secret:idp-sync/bob-api"].sort(),
    );
    expect(grants["iam:PassRole"]).toEqual(["SchedulerRole"]);
    for (const action of schedules) expect(grants[action]).toHaveLength(1);
  });

  it("gives EventBridge Scheduler a role that can only send to the change queue", () => {
    const role = logicalId(template, "AWS::IAM::Role", "SchedulerRole");
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: "sts:AssumeRole",
            Principal: { Service: "scheduler.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
          },
        ],
      },
    });
    const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(role),
    );
    expect(policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement)).toEqual([
      expect.objectContaining({
        Action: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Resource: { "Fn::GetAtt": [logicalId(template, "AWS::SQS::Queue", "Changes"), "Arn"] },
      }),
    ]);
    expect(Object.keys(functionProps(template, "Ingest").Environment.Variables)).toEqual(
      expect.arrayContaining(["SCHEDULE_GROUP", "SCHEDULER_ROLE_ARN", "QUEUE_ARN"]),
    );
  });
});

describe("IdpSyncStack with webhooks that never refresh from an HR API", () => {
  it("lets only ingest hold leavers", () => {
    const config = parseConfig({
      ...(exampleConfig as ConfigInput),
      webhooks: [{ type: "bamboohr", name: "bamboo", secretNames: ["idp-sync/bamboo-signing"] }],
    });
    const { template } = synth(config);
    expect(permissions(template, "Ingest")["scheduler:CreateSchedule"]).toHaveLength(1);
    const sync = permissions(template, "Sync");
    expect(Object.keys(sync).filter((action) => /^(scheduler|iam):/.test(action))).toEqual([]);
    expect(sync["secretsmanager:GetSecretValue"]).toEqual(["secret:idp-sync/descope"]);
  });
});

describe("IdpSyncStack with a provider that deletes leavers after some days", () => {
  it("lets only sync schedule the deletion checks, and ingest claims no replays", () => {
    const config = parseConfig({
      ...(exampleConfig as ConfigInput),
      providers: [{ type: "descope", name: "descope", secretName: "idp-sync/descope", deleteAfterDays: 30 }],
    });
    const { template } = synth(config);
    const sync = permissions(template, "Sync");
    expect(sync["scheduler:CreateSchedule"]).toHaveLength(1);
    expect(sync["iam:PassRole"]).toEqual(["SchedulerRole"]);
    const ingest = permissions(template, "Ingest");
    expect(Object.keys(ingest).filter((action) => /^(scheduler|iam):/.test(action))).toEqual([]);
    expect(ingest["dynamodb:PutItem"]).toEqual(["State"]);
  });
});

describe("IdpSyncStack with ZITADEL, which cannot create a person without e-mail and names", () => {
  it("lets sync schedule the check that dead-letters a person whose data never arrives", () => {
    const config = parseConfig({
      ...(exampleConfig as ConfigInput),
      webhooks: [],
      providers: [
        { type: "zitadel", name: "zitadel", secretName: "idp-sync/zitadel", baseUrl: "https://z.example" },
      ],
    });
    const sync = permissions(synth(config).template, "Sync");
    expect(sync["scheduler:CreateSchedule"]).toHaveLength(1);
    expect(sync["iam:PassRole"]).toEqual(["SchedulerRole"]);
  });
});

describe("IdpSyncStack refuses configurations AWS would refuse later", () => {
  it("a visibility timeout too short for six sync timeouts", () => {
    const config = parseConfig({
      ...(exampleConfig as ConfigInput),
      queue: { visibilityTimeoutSeconds: 60 },
    });
    expect(() => synth(config)).toThrow("queue.visibilityTimeoutSeconds must be at least 62");
  });

  it("a configuration too large for Lambda's environment", () => {
    const roleRules = Array.from({ length: 60 }, (_, n) => ({
      when: { department: `Department ${n}` },
      roles: ["r"],
    }));
    const config = parseConfig({ ...(exampleConfig as ConfigInput), roleRules });
    expect(() => synth(config)).toThrow(/bytes as JSON; Lambda's environment fits/);
  });
});

describe("loadConfig", () => {
  const write = (name: string, content: string) => {
    const dir = mkdtempSync(join(tmpdir(), "idp-sync-config-"));
    writeFileSync(join(dir, name), content);
    return dir;
  };
  const minimal = JSON.stringify({
    scim: { tokenSecretName: "t" },
    providers: [{ type: "descope", secretName: "d" }],
  });

  it("reads the file asked for", () => {
    const dir = write("mine.json", minimal);
    const loaded = loadConfig(join(dir, "mine.json"), repoRoot);
    expect(loaded).toMatchObject({ path: join(dir, "mine.json"), example: false });
    expect(loaded.config.providers[0]?.secretName).toBe("d");
  });

  it("reads idp-sync.config.json in the repository when nothing is asked for", () => {
    const dir = write("idp-sync.config.json", minimal);
    expect(loadConfig(undefined, dir)).toMatchObject({
      path: join(dir, "idp-sync.config.json"),
      example: false,
    });
  });

  it("falls back to the example, and says so", () => {
    const loaded = loadConfig(undefined, mkdtempSync(join(tmpdir(), "idp-sync-empty-")));
    expect(loaded).toMatchObject({ path: exampleConfigFile, example: true });
  });

  it("explains a missing file, bad JSON and an invalid configuration", () => {
    expect(() => loadConfig("/nonexistent/idp-sync.json", repoRoot)).toThrow("does not exist");
    const broken = write("broken.json", "{");
    expect(() => loadConfig(join(broken, "broken.json"), repoRoot)).toThrow("is not valid JSON");
    const invalid = write("invalid.json", JSON.stringify({ providers: [] }));
    expect(() => loadConfig(join(invalid, "invalid.json"), repoRoot)).toThrow(
      "invalid idp-sync configuration",
    );
  });
});

describe("IdpSyncStack alarms", () => {
  const config = parseConfig({
    ...(exampleConfig as ConfigInput),
    providers: [
      { type: "descope", name: "descope", secretName: "idp-sync/descope" },
      {
        type: "zitadel",
        name: "zitadel-eu",
        secretName: "idp-sync/zitadel",
        baseUrl: "https://acme.zitadel.cloud",
        orgId: "1",
      },
    ],
    alarms: { oldestChangeAgeSeconds: 600 },
  });
  let template: Template;
  beforeAll(() => {
    ({ template } = synth(config));
  });
  const alarms = () =>
    Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(
      (alarm) => alarm.Properties as Record<string, unknown>,
    );
  const alarmOn = (metricName: string) => alarms().filter((alarm) => alarm.MetricName === metricName);
  const queueDimensions = (queue: string) => [
    {
      Name: "QueueName",
      Value: { "Fn::GetAtt": [logicalId(template, "AWS::SQS::Queue", queue), "QueueName"] },
    },
  ];

  it("alarms as soon as one change is in the dead-letter queue", () => {
    expect(alarmOn("ApproximateNumberOfMessagesVisible")).toEqual([
      expect.objectContaining({
        Namespace: "AWS/SQS",
        Dimensions: queueDimensions("DeadLetters"),
        Statistic: "Maximum",
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
        TreatMissingData: "notBreaching",
      }),
    ]);
  });

  it("alarms when the oldest change in the queue is older than the configured threshold", () => {
    expect(alarmOn("ApproximateAgeOfOldestMessage")).toEqual([
      expect.objectContaining({
        Namespace: "AWS/SQS",
        Dimensions: queueDimensions("Changes"),
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 600,
      }),
    ]);
  });

  it("alarms per provider when the deprovisioning guard holds leavers, on the metric sync emits", () => {
    const held = alarmOn("DeprovisioningHeld");
    const byName = (dimensions: unknown) =>
      [...(dimensions as { Name: string }[])].sort((a, b) => b.Name.localeCompare(a.Name));
    expect(held.map((alarm) => byName(alarm.Dimensions))).toEqual([
      [
        { Name: "service", Value: "idp-sync-sync" },
        { Name: "provider", Value: "descope" },
      ],
      [
        { Name: "service", Value: "idp-sync-sync" },
        { Name: "provider", Value: "zitadel-eu" },
      ],
    ]);
    for (const alarm of held)
      expect(alarm).toMatchObject({
        Namespace: "idp-sync",
        Statistic: "Sum",
        Period: 60,
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
      });
    // The dimension the alarm matches is the service name the sync function's Powertools metrics carry.
    expect(functionProps(template, "Sync").Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(
      "idp-sync-sync",
    );
  });

  it("defaults the age threshold to 15 minutes", () => {
    const { template: defaults } = synth(exampleConfig);
    const age = Object.values(defaults.findResources("AWS::CloudWatch::Alarm"))
      .map((alarm) => alarm.Properties)
      .find((alarm) => alarm.MetricName === "ApproximateAgeOfOldestMessage");
    expect(age?.Threshold).toBe(900);
  });
});
