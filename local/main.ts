import { readFileSync } from "node:fs";
import { startLocalStack } from "./local-stack.ts";

/**
 * `npm start`: the embedded default. Without IDP_SYNC_CONFIG_FILE it runs against the provider simulators;
 * with it (and IDP_SYNC_SECRETS_FILE holding the secret values by name) it talks to the providers it names.
 */
const env = process.env;
const readJson = (path: string | undefined) => (path ? JSON.parse(readFileSync(path, "utf8")) : undefined);

const stack = await startLocalStack({
  port: Number(env.PORT ?? 3000),
  descopeSimulatorPort: Number(env.DESCOPE_SIM_PORT ?? 4010),
  zitadelSimulatorPort: Number(env.ZITADEL_SIM_PORT ?? 4020),
  scimToken: env.SCIM_TOKEN ?? "local-scim-token",
  config: readJson(env.IDP_SYNC_CONFIG_FILE),
  secrets: readJson(env.IDP_SYNC_SECRETS_FILE),
  logLevel: (env.LOG_LEVEL as "INFO" | undefined) ?? "INFO",
});

console.log(stack.banner());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await stack.stop();
    process.exit(0);
  });
}
