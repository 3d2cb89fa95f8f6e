import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { IdpSyncStack } from "../../infra/idp-sync-stack.ts";
import { type LambdaName, lambdaBuildOptions, repoRoot } from "../../infra/lambda-bundle.ts";
import { parseConfig } from "../../shared/config/schema.ts";
import { example } from "./configs.ts";
import { permissions } from "./template-reading.ts";

/** The IAM service prefix of each SDK client the adapters use. */
const services: Record<string, string> = {
  "@aws-sdk/client-dynamodb": "dynamodb",
  "@aws-sdk/client-sqs": "sqs",
  "@aws-sdk/client-scheduler": "scheduler",
};

/**
 * Every AWS action the adapters bundled into a function may call: each `new XCommand` in its
 * `shared/aws` modules, as `service:X` (a batch command needs its single action's permission).
 */
async function actionsCalledBy(name: LambdaName): Promise<string[]> {
  const { metafile } = await build({ ...lambdaBuildOptions(name, "/nowhere"), write: false, metafile: true });
  const adapters = Object.keys(metafile.inputs).filter((input) => input.includes("shared/aws/"));
  const actions = adapters.flatMap((adapter) => {
    const source = readFileSync(join(repoRoot, adapter), "utf8");
    return Object.entries(services).flatMap(([client, service]) => {
      const imported = source.match(new RegExp(`import {([^}]*)} from "${client}"`))?.[1] ?? "";
      return [...imported.matchAll(/(\w+)Command\b/g)].map(([, command]) => {
        const single = service === "sqs" ? command?.replace(/Batch$/, "") : command;
        return `${service}:${single}`;
      });
    });
  });
  return [...new Set(actions)].sort();
}

/** Each function's role must cover every command its bundled adapters hold. */
const fullyChecked = [
  ["Ingest", "ingest"],
  ["Sync", "sync"],
  ["Reconcile", "reconcile"],
] as const;

describe("the functions' roles", () => {
  const config = parseConfig({
    ...example,
    providers: [{ type: "descope", name: "descope", secretName: "d", deleteAfterDays: 30 }],
    webhooks: [{ type: "bamboohr", name: "bamboo", secretNames: ["idp-sync/bamboo-signing"] }],
    reconcile: { sources: [{ source: "payroll" }] },
  });
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const template = Template.fromStack(new IdpSyncStack(app, "IdpSync", { config }));

  it.each(fullyChecked)(
    "%s: grants every AWS action its bundled adapters call (read from the bundle)",
    async (role, name) => {
      const granted = Object.keys(permissions(template, role));
      const called = await actionsCalledBy(name);
      expect(called).toEqual(expect.arrayContaining(["dynamodb:PutItem", "sqs:SendMessage"]));
      expect(called.filter((action) => !granted.includes(action))).toEqual([]);
    },
  );

  it("sees the audit trail's batch writes and the Scheduler adapter in the sync bundle", async () => {
    expect(await actionsCalledBy("sync")).toEqual(
      expect.arrayContaining(["dynamodb:BatchWriteItem", "scheduler:CreateSchedule"]),
    );
  });
});
