import { afterEach } from "vitest";
import {
  type RecordedRequest,
  startZitadelSimulator,
  type ZitadelSimulator,
  type ZitadelSimulatorOptions,
} from "../../../local/simulators/zitadel/simulator.ts";
import { type ZitadelProviderConfig, zitadelProviderSchema } from "../../../shared/config/zitadel.ts";
import { createZitadelProvider } from "../../../shared/providers/zitadel/provider.ts";
import type { Provider } from "../../../shared/sync/ports.ts";
import { orgId, pat } from "../../simulators/zitadel/http.ts";
import { type DepsOptions, type MemoryLog, type TestSecrets, wireProvider } from "../doubles.ts";

export { createOp, deleteOp, MemoryLog, patchOp, statusOp, TestSecrets } from "../doubles.ts";

export interface Harness {
  sim: ZitadelSimulator;
  provider: Provider;
  secrets: TestSecrets;
  log: MemoryLog;
  config: ZitadelProviderConfig;
  /** Requests the simulator received on `path` (without query), optionally of one method, in order. */
  requestsTo(path: string, method?: string): RecordedRequest[];
  /** Every request the simulator received, as `METHOD path`, in order. */
  calls(): string[];
}

/**
 * A provider wired to a ZITADEL simulator over real HTTP. The simulator's rate limit is off and the
 * provider's budget generous unless a test sets them, so tests that are not about pacing run fast.
 */
export async function startHarness(
  options: DepsOptions & { sim?: Partial<ZitadelSimulatorOptions>; config?: object } = {},
): Promise<Harness> {
  const sim = await startZitadelSimulator({
    orgId,
    pat,
    requestsPerSecond: false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.sim,
  });
  const config = zitadelProviderSchema.parse({
    type: "zitadel",
    secretName: "zitadel",
    baseUrl: sim.url,
    orgId,
    requestTimeoutMs: 2000,
    requestsPerSecond: 1000,
    ...options.config,
  });
  return {
    sim,
    config,
    ...wireProvider(options, pat, (deps) => createZitadelProvider(config, deps)),
    requestsTo: (path, method) =>
      sim
        .requests()
        .filter((request) => request.path === path && (method === undefined || request.method === method)),
    calls: () => sim.requests().map((request) => `${request.method} ${request.path}`),
  };
}

/**
 * For a test file: closes each test's simulator after the test, and answers the function that starts
 * the test's harness.
 */
export function harnessPerTest(): (options?: Parameters<typeof startHarness>[0]) => Promise<Harness> {
  let current: Harness | undefined;
  afterEach(() => current?.sim.close());
  return async (options) => {
    current = await startHarness(options);
    return current;
  };
}
