import {
  type DescopeSimulator,
  type DescopeSimulatorOptions,
  startDescopeSimulator,
} from "../../../local/simulators/descope/simulator.ts";
import { type DescopeProviderConfig, descopeProviderSchema } from "../../../shared/config/descope.ts";
import { createDescopeProvider } from "../../../shared/providers/descope/provider.ts";
import type { Provider } from "../../../shared/sync/ports.ts";
import { managementKey, projectId } from "../../simulators/descope/http.ts";
import { type DepsOptions, type MemoryLog, type TestSecrets, wireProvider } from "../doubles.ts";

export { createOp, deleteOp, MemoryLog, patchOp, statusOp, TestSecrets } from "../doubles.ts";

export const secretValue = `${projectId}:${managementKey}`;

export interface Harness {
  sim: DescopeSimulator;
  provider: Provider;
  secrets: TestSecrets;
  log: MemoryLog;
  config: DescopeProviderConfig;
  /** Requests the simulator received on `path`, in order. */
  requestsTo(path: string): ReturnType<DescopeSimulator["requests"]>;
}

export async function startHarness(
  options: DepsOptions & { sim?: Partial<DescopeSimulatorOptions>; config?: object } = {},
): Promise<Harness> {
  const sim = await startDescopeSimulator({
    projectId,
    managementKey,
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.sim,
  });
  const config = descopeProviderSchema.parse({
    type: "descope",
    secretName: "descope",
    baseUrl: sim.url,
    requestTimeoutMs: 2000,
    ...options.config,
  });
  return {
    sim,
    config,
    ...wireProvider(options, secretValue, (deps) => createDescopeProvider(config, deps)),
    requestsTo: (path) => sim.requests().filter((request) => request.path === path),
  };
}
