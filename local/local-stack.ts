import type { ConfigInput } from "../shared/config/schema.ts";
import { acmeHr, acmeSecret } from "./example-webhook-source.ts";
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from "./runtime.ts";
import {
  type DescopeSimulator,
  type DescopeSimulatorOptions,
  startDescopeSimulator,
} from "./simulators/descope/simulator.ts";
import {
  startZitadelSimulator,
  type ZitadelSimulator,
  type ZitadelSimulatorOptions,
} from "./simulators/zitadel/simulator.ts";

export interface LocalStackOptions {
  host?: string;
  /** Ingest port; 0 picks a free one (tests). */
  port: number;
  descopeSimulatorPort: number;
  zitadelSimulatorPort: number;
  /** Bearer token of the default SCIM source. */
  scimToken: string;
  /** Replaces the embedded default (both simulators); then no simulator is started. */
  config?: ConfigInput;
  /** Secret values by name, for a `config` of your own. */
  secrets?: Record<string, string>;
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  /** Where each sync batch's summary line goes (default: stdout at INFO and DEBUG, see runtime.ts). */
  onBatchSummary?: (line: string) => void;
  /** The time the pipeline goes by (see runtime.ts); tests move it forward. */
  clock?: LocalRuntimeOptions["clock"];
  /** Tests only: settings of the simulators, and changes to the embedded default configuration. */
  simulators?: { descope?: Partial<DescopeSimulatorOptions>; zitadel?: Partial<ZitadelSimulatorOptions> };
  adjustDefault?: (config: ConfigInput) => ConfigInput;
}

export interface LocalStack {
  runtime: LocalRuntime;
  /** Present when the embedded default runs. */
  descope?: DescopeSimulator;
  zitadel?: ZitadelSimulator;
  banner(): string;
  stop(): Promise<void>;
}

/** Local credentials of the simulators: not secrets, they guard nothing but a loopback port. */
export const simulatorCredentials = {
  descopeProjectId: "P2LocalSimulatorProject00000",
  descopeManagementKey: "local-management-key",
  zitadelOrgId: "local-org",
  zitadelPat: "local-zitadel-pat",
};

/** `npm start`: the local runtime, by default against both provider simulators. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? "127.0.0.1";
  if (options.config) {
    const runtime = await startLocalRuntime({
      host,
      port: options.port,
      config: options.config,
      secrets: options.secrets ?? {},
      ...runtimeOptions(options),
    });
    return { runtime, banner: () => bannerOf(runtime, []), stop: () => runtime.stop() };
  }
  const descope = await startDescopeSimulator({
    host,
    port: options.descopeSimulatorPort,
    projectId: simulatorCredentials.descopeProjectId,
    managementKey: simulatorCredentials.descopeManagementKey,
    ...options.simulators?.descope,
  });
  const zitadel = await startZitadelSimulator({
    host,
    port: options.zitadelSimulatorPort,
    orgId: simulatorCredentials.zitadelOrgId,
    pat: simulatorCredentials.zitadelPat,
    ...options.simulators?.zitadel,
  });
  const adjust = options.adjustDefault ?? ((config: ConfigInput) => config);
  const runtime = await startLocalRuntime({
    host,
    port: options.port,
    config: adjust(defaultConfig(descope.url, zitadel.url)),
    secrets: {
      "local/scim-token": options.scimToken,
      "local/descope": `${simulatorCredentials.descopeProjectId}:${simulatorCredentials.descopeManagementKey}`,
      "local/zitadel": simulatorCredentials.zitadelPat,
      "acme-hr-signing": acmeSecret,
    },
    ...runtimeOptions(options),
  });
  return {
    runtime,
    descope,
    zitadel,
    banner: () =>
      bannerOf(runtime, [
        `Descope simulator  ${descope.url}/_sim/users`,
        `ZITADEL simulator  ${zitadel.url}/_sim/users`,
        `SCIM bearer token  ${options.scimToken}`,
      ]),
    stop: async () => {
      await runtime.stop();
      await Promise.all([descope.close(), zitadel.close()]);
    },
  };
}

/** What the stack hands on to the runtime unchanged when given. */
function runtimeOptions({ logLevel, onBatchSummary, clock }: LocalStackOptions) {
  return {
    ...(logLevel ? { logLevel } : {}),
    ...(onBatchSummary ? { onBatchSummary } : {}),
    ...(clock ? { clock } : {}),
  };
}

/** The embedded default: one SCIM source, the example HR webhook source, both providers at their simulators. */
export function defaultConfig(descopeUrl: string, zitadelUrl: string): ConfigInput {
  return {
    scim: { tokenSecretName: "local/scim-token" },
    webhooks: [{ ...acmeHr, secretNames: ["acme-hr-signing"] }],
    providers: [
      { type: "descope", name: "descope", secretName: "local/descope", baseUrl: descopeUrl },
      {
        type: "zitadel",
        name: "zitadel",
        secretName: "local/zitadel",
        baseUrl: zitadelUrl,
        orgId: simulatorCredentials.zitadelOrgId,
      },
    ],
  };
}

function bannerOf(runtime: LocalRuntime, lines: string[]): string {
  return [
    "idp-sync local runtime",
    `  ingest             ${runtime.url}  (SCIM: ${runtime.url}/scim/v2, webhooks: ${runtime.url}/webhooks/{source})`,
    ...lines.map((line) => `  ${line}`),
    `  providers          ${runtime.config.providers.map((provider) => provider.name).join(", ")}`,
    "Ctrl-C stops it.",
  ].join("\n");
}
