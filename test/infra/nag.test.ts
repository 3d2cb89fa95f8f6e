import { App, Stack } from "aws-cdk-lib";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { IdpSync } from "../../infra/idp-sync.ts";
import { IdpSyncStack } from "../../infra/idp-sync-stack.ts";
import { parseConfig } from "../../shared/config/schema.ts";
import { example } from "./configs.ts";

/** Every optional part switched on: webhooks with HR APIs (schedules in all functions), two providers, reconcile. */
const everything = parseConfig({
  ...example,
  providers: [
    { type: "descope", name: "descope", secretName: "idp-sync/descope", deleteAfterDays: 30 },
    {
      type: "zitadel",
      name: "zitadel",
      secretName: "idp-sync/zitadel",
      baseUrl: "https://acme.zitadel.cloud",
    },
  ],
  webhooks: [
    {
      type: "hibob",
      name: "bob",
      secretNames: ["idp-sync/bob-signing"],
      api: { credentialsSecretName: "idp-sync/bob-api" },
    },
  ],
  alarms: { email: "ops@example.com" },
  reconcile: { sources: [{ source: "bob" }] },
});
const noBundling = { context: { "aws:cdk:bundling-stacks": [] } };

/** Synthesises the app and returns every AwsSolutions finding left unacknowledged, errors and warnings. */
function findings(app: App) {
  app.synth();
  return new AwsSolutionsChecks(app).validateScope(app).violations.map((violation) => ({
    rule: violation.ruleName,
    at: violation.violatingResources.map((resource) => resource.constructPath),
  }));
}

describe("cdk-nag AwsSolutions", () => {
  it("finds nothing unacknowledged in the project's stack, with the example configuration", () => {
    const app = new App(noBundling);
    new IdpSyncStack(app, "IdpSync", { config: parseConfig(example) });
    expect(findings(app)).toEqual([]);
  });

  it("finds nothing unacknowledged with every optional part switched on", () => {
    const app = new App(noBundling);
    new IdpSyncStack(app, "IdpSync", { config: everything });
    expect(findings(app)).toEqual([]);
  });

  it("finds nothing unacknowledged in a stack with a literal account and region (ARNs then carry them)", () => {
    const app = new App(noBundling);
    new IdpSyncStack(app, "IdpSync", {
      config: everything,
      env: { account: "111122223333", region: "eu-west-1" },
    });
    expect(findings(app)).toEqual([]);
  });

  it("finds nothing unacknowledged when the construct sits in someone else's stack under another id", () => {
    const app = new App(noBundling);
    new IdpSync(new Stack(app, "Platform"), "Provisioning", { config: everything });
    expect(findings(app)).toEqual([]);
  });

  it("still reports what is neither fixed nor acknowledged (the check is live)", () => {
    const app = new App(noBundling);
    new IdpSyncStack(app, "IdpSync", { config: everything });
    new Queue(new Stack(app, "Other"), "Plain");
    expect(findings(app)).toEqual([
      { rule: "AwsSolutions-SQS3", at: ["Other/Plain/Resource"] },
      { rule: "AwsSolutions-SQS4", at: ["Other/Plain/Resource"] },
    ]);
  });
});
