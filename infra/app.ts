import { fileURLToPath } from "node:url";
import { Annotations, App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { IdpSyncStack } from "./idp-sync-stack.ts";
import { defaultConfigFile, loadConfig } from "./load-config.ts";

const app = new App();
const requested: string | undefined = app.node.tryGetContext("config") ?? process.env.IDP_SYNC_CONFIG_FILE;
const { config, path, example } = loadConfig(requested, fileURLToPath(new URL("..", import.meta.url)));

const stack = new IdpSyncStack(app, "IdpSync", {
  config,
  description: "idp-sync: HR systems and SCIM clients → Descope / ZITADEL",
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
if (example)
  Annotations.of(stack).addWarningV2(
    "idp-sync:example-config",
    `no ${defaultConfigFile} and no -c config=…: this is the example configuration (${path})`,
  );
// cdk-nag's AWS Solutions pack checks every synth; a finding not fixed or acknowledged (with its reason,
// in idp-sync.ts) fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
