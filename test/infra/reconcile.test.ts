import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { IdpSyncStack } from "../../infra/idp-sync-stack.ts";
import { loadConfig } from "../../infra/load-config.ts";
import { type ConfigInput, parseConfig } from "../../shared/config/schema.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const exampleConfig = loadConfig(undefined, join(repoRoot, "no-such-dir")).config;

function synth(reconcile: ConfigInput["reconcile"]) {
  const config = parseConfig({ ...(exampleConfig as ConfigInput), reconcile });
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  return Template.fromStack(new IdpSyncStack(app, "IdpSync", { config }));
}

describe("scheduled reconciliation in the stack", () => {
  it("runs one function per configured source on its schedule, in its time zone, with the source as input", () => {
    const template = synth({
      sources: [
        { source: "acme-hr", schedule: "cron(0 4 * * ? *)", timeZone: "Europe/Zurich", mode: "repair" },
        { source: "payroll-file" },
      ],
    });
    template.resourceCountIs("AWS::Scheduler::Schedule", 2);
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(0 4 * * ? *)",
      ScheduleExpressionTimezone: "Europe/Zurich",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: Match.objectLike({ Input: JSON.stringify({ source: "acme-hr" }) }),
    });
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(0 3 * * ? *)",
      ScheduleExpressionTimezone: "UTC",
      Target: Match.objectLike({ Input: JSON.stringify({ source: "payroll-file" }) }),
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: "idp-sync-reconcile",
          RECONCILE_SCHEDULE_GROUP: Match.anyValue(),
          RECONCILE_SCHEDULER_ROLE_ARN: Match.anyValue(),
          STATE_TABLE: Match.anyValue(),
          QUEUE_URL: Match.anyValue(),
        }),
      },
    });
  });

  it("lets the scheduler role invoke the reconcile function and nothing else", () => {
    const template = synth({ sources: [{ source: "acme-hr" }] });
    const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes("ReconciliationSchedulerRole"),
    );
    expect(policies).toHaveLength(1);
    const document = policies[0]?.Properties.PolicyDocument as
      | { Statement: { Action: unknown }[] }
      | undefined;
    const statements = document?.Statement ?? [];
    expect(statements.map((statement) => statement.Action)).toEqual(["lambda:InvokeFunction"]);
  });

  it("adds nothing when no source is reconciled", () => {
    const template = synth({ sources: [] });
    template.resourceCountIs("AWS::Scheduler::Schedule", 0);
    expect(JSON.stringify(template.toJSON())).not.toContain("idp-sync-reconcile");
  });
});
