import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { Topic } from "aws-cdk-lib/aws-sns";
import { describe, expect, it } from "vitest";
import { IdpSync } from "../../infra/idp-sync.ts";
import { type ConfigInput, parseConfig } from "../../shared/config/schema.ts";
import { derivedSyncConcurrency } from "../../shared/config/sync-capacity.ts";
import { example, twoProviders } from "./configs.ts";

/** The construct in a stack of someone else's app, as a user would hold it. */
function template(
  input: ConfigInput,
  options: Omit<ConstructorParameters<typeof IdpSync>[2], "config"> = {},
) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new Stack(app, "Platform");
  const idpSync = new IdpSync(stack, "Provisioning", { config: parseConfig(input), ...options });
  return { template: Template.fromStack(stack), idpSync, stack };
}

const alarmActions = (t: Template) =>
  Object.values(t.findResources("AWS::CloudWatch::Alarm")).map((alarm) => ({
    alarm: alarm.Properties.AlarmActions,
    ok: alarm.Properties.OKActions,
  }));

describe("IdpSync in another app's stack", () => {
  it("creates its resources under its own id, with the log retention asked for", () => {
    const { template: t, idpSync, stack } = template(example, { logRetention: RetentionDays.ONE_WEEK });
    expect(stack.resolve(idpSync.table.node.defaultChild?.node.path)).toBe(
      "Platform/Provisioning/State/Resource",
    );
    t.resourceCountIs("AWS::Lambda::Function", 2);
    t.resourcePropertiesCountIs("AWS::Logs::LogGroup", { RetentionInDays: 7 }, 3);
    expect(Object.keys(t.findResources("AWS::SQS::Queue")).every((id) => id.startsWith("Provisioning"))).toBe(
      true,
    );
  });

  it("puts only secret names, never values, in the functions' environment", () => {
    const { template: t } = template(twoProviders);
    for (const fn of Object.values(t.findResources("AWS::Lambda::Function"))) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      const config = JSON.parse(variables.IDP_SYNC_CONFIG as string);
      expect(config.providers.map((provider: { secretName: string }) => provider.secretName)).toEqual([
        "idp-sync/descope",
        "idp-sync/zitadel",
      ]);
      expect(config.scim[0].tokenSecretName).toBe("idp-sync/scim-token");
    }
    expect(JSON.stringify(t.toJSON())).not.toMatch(/resolve:secretsmanager|SecretString/);
  });
});

describe("IdpSync alarm actions", () => {
  it("creates a topic (TLS only) that every alarm notifies when it fires and when it clears", () => {
    const { template: t } = template(twoProviders);
    t.resourceCountIs("AWS::SNS::Topic", 1);
    t.resourceCountIs("AWS::SNS::Subscription", 0);
    const topic = { Ref: Object.keys(t.findResources("AWS::SNS::Topic"))[0] };
    // Dead letters, oldest change, and one guard alarm per provider.
    expect(alarmActions(t)).toEqual(Array.from({ length: 4 }, () => ({ alarm: [topic], ok: [topic] })));
    t.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: "Deny",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ],
      },
    });
  });

  it("subscribes the configured e-mail address to that topic", () => {
    const { template: t } = template({ ...example, alarms: { email: "ops@example.com" } });
    t.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
  });

  it("notifies an existing topic given by ARN, and creates none", () => {
    const arn = "arn:aws:sns:eu-west-1:111122223333:ops-alerts";
    const { template: t } = template({ ...example, alarms: { topicArn: arn } });
    t.resourceCountIs("AWS::SNS::Topic", 0);
    expect(alarmActions(t)).toEqual(Array.from({ length: 3 }, () => ({ alarm: [arn], ok: [arn] })));
  });

  it("notifies a topic the enclosing app passes in", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const stack = new Stack(app, "Platform");
    const alarmTopic = new Topic(stack, "PlatformAlerts");
    new IdpSync(stack, "Provisioning", { config: parseConfig(example), alarmTopic });
    const t = Template.fromStack(stack);
    t.resourceCountIs("AWS::SNS::Topic", 1);
    const ref = { Ref: stack.getLogicalId(alarmTopic.node.defaultChild as never) };
    expect(alarmActions(t)).toEqual(Array.from({ length: 3 }, () => ({ alarm: [ref], ok: [ref] })));
  });

  it("refuses a configuration with both an e-mail address and a topic ARN", () => {
    expect(() =>
      parseConfig({
        ...example,
        alarms: { email: "ops@example.com", topicArn: "arn:aws:sns:eu-west-1:111122223333:ops" },
      }),
    ).toThrow("either topicArn");
    expect(() => parseConfig({ ...example, alarms: { topicArn: "ops-alerts" } })).toThrow("an SNS topic ARN");
  });
});

describe("IdpSync with scheduled reconciliation", () => {
  const { template: t } = template({ ...example, reconcile: { sources: [{ source: "payroll" }] } });
  const reconcileFunction = Object.entries(t.findResources("AWS::Lambda::Function")).find(([, fn]) =>
    JSON.stringify(fn.Properties.Environment).includes("idp-sync-reconcile"),
  )?.[0];

  it("alarms, through the same topic, when a reconcile run fails", () => {
    const alarm = Object.values(t.findResources("AWS::CloudWatch::Alarm")).find(
      (candidate) => candidate.Properties.MetricName === "Errors",
    )?.Properties;
    const topic = { Ref: Object.keys(t.findResources("AWS::SNS::Topic"))[0] };
    expect(alarm).toMatchObject({
      Namespace: "AWS/Lambda",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: reconcileFunction } }],
      Threshold: 0,
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });

  it("shows the reconcile function's errors and duration on the dashboard", () => {
    const body = JSON.stringify(Object.values(t.findResources("AWS::CloudWatch::Dashboard"))[0]?.Properties);
    expect(body).toContain(`{"Ref":"${reconcileFunction}"}`);
    expect(body).toContain("reconcile errors");
  });
});

describe("IdpSync dashboard", () => {
  const { template: t } = template(twoProviders);
  const body = JSON.stringify(Object.values(t.findResources("AWS::CloudWatch::Dashboard"))[0]?.Properties);
  const providerMetric = (name: string, provider: string) =>
    `[\\"idp-sync\\",\\"${name}\\",\\"provider\\",\\"${provider}\\",\\"service\\",\\"idp-sync-sync\\"`;

  it("shows per provider the operations by outcome, the latency from change time and held leavers", () => {
    for (const provider of ["descope", "zitadel-eu"])
      for (const name of [
        "Operations_applied",
        "Operations_retry",
        "Operations_rejected",
        "ChangeLatencyMs",
        "DeprovisioningHeld",
      ])
        expect(body).toContain(providerMetric(name, provider));
    expect(body).toContain('\\"stat\\":\\"p90\\"');
  });

  it("shows the queue depth, the oldest change's age and the DLQ depth", () => {
    for (const name of [
      "ApproximateNumberOfMessagesVisible",
      "ApproximateAgeOfOldestMessage",
      "ApproximateNumberOfMessagesNotVisible",
    ])
      expect(body).toContain(`\\"AWS/SQS\\",\\"${name}\\"`);
    expect(body.match(/ApproximateNumberOfMessagesVisible/g)).toHaveLength(2);
  });

  it("searches for reconcile's drift metrics, whichever service emits them", () => {
    for (const name of ["ReconcileDrift", "ReconcileRepaired", "ReconcileOrphans"])
      expect(body).toContain(
        `SEARCH('{idp-sync,provider,service} MetricName=\\\\\\"${name}\\\\\\"', 'Sum', 300)`,
      );
  });
});

describe("IdpSync API stage", () => {
  it("throttles with the defaults and logs each request as JSON without query strings", () => {
    const { template: t } = template(example);
    t.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const stage = Object.values(t.findResources("AWS::ApiGatewayV2::Stage"))[0]?.Properties;
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      path: "$context.path",
      status: "$context.status",
    });
    expect(JSON.stringify(format)).not.toContain("querystring");
  });

  it("throttles at the configured rate and burst", () => {
    const { template: t } = template({ ...example, api: { throttling: { rateLimit: 5, burstLimit: 20 } } });
    t.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 },
    });
  });
});

describe("IdpSync sync concurrency", () => {
  const scaling = (t: Template) =>
    Object.values(t.findResources("AWS::Lambda::EventSourceMapping"))[0]?.Properties.ScalingConfig;
  const reserved = (t: Template) =>
    Object.values(t.findResources("AWS::Lambda::Function"))
      .map((fn) => fn.Properties.ReservedConcurrentExecutions)
      .filter((value) => value !== undefined);

  it("derives the maximum from the providers' rate limits, and reserves nothing by default", () => {
    const { template: t } = template(twoProviders);
    expect(scaling(t)).toEqual({ MaximumConcurrency: derivedSyncConcurrency(parseConfig(twoProviders)) });
    expect(reserved(t)).toEqual([]);
  });

  it("takes an explicit maximum, and reserves it for sync when asked", () => {
    const { template: t } = template({ ...example, queue: { maxConcurrency: 5, reserveConcurrency: true } });
    expect(scaling(t)).toEqual({ MaximumConcurrency: 5 });
    expect(reserved(t)).toEqual([5]);
  });
});
