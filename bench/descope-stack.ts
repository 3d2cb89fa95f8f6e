import { startLocalRuntime } from "../local/runtime.ts";
import { startDescopeSimulator } from "../local/simulators/descope/simulator.ts";
import type { ConfigInput } from "../shared/config/schema.ts";

export const projectId = "P2benchProject00000000000000";
export const managementKey = "bench-key";
export const authorization = `Bearer ${projectId}:${managementKey}`;

type RateLimits = { createPerMinute: number; otherPerMinute: number };

/**
 * The local runtime with one Descope provider on a Descope simulator, with the benchmarks' queue settings:
 * `provider` adds to the provider's configuration, `config` to the rest.
 */
export async function startDescopeBench(options: {
  rateLimits: RateLimits | false;
  provider: Record<string, unknown>;
  config?: Partial<ConfigInput>;
}) {
  const simulator = await startDescopeSimulator({ projectId, managementKey, rateLimits: options.rateLimits });
  const runtime = await startLocalRuntime({
    port: 0,
    logLevel: "SILENT",
    config: {
      providers: [
        {
          type: "descope",
          secretName: "descope",
          baseUrl: simulator.url,
          ...options.provider,
          ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
        } as ConfigInput["providers"][number],
      ],
      queue: { batchSize: 1000, maxBatchingWindowSeconds: 1, retryBaseSeconds: 1, retryMaxSeconds: 60 },
      ...options.config,
    },
    secrets: { descope: `${projectId}:${managementKey}` },
  });
  return {
    simulator,
    runtime,
    stop: async () => {
      await runtime.stop();
      await simulator.close();
    },
  };
}
