import {
  type DescopeSimulator,
  type DescopeSimulatorOptions,
  startDescopeSimulator,
} from "../../../local/simulators/descope/simulator.ts";
import { type DescopeProviderConfig, descopeProviderSchema } from "../../../shared/config/descope.ts";
import type { Fetch } from "../../../shared/http/request.ts";
import type { Clock } from "../../../shared/http/token-bucket.ts";
import type { CanonicalUser, ImportSecrets } from "../../../shared/model/user.ts";
import { createDescopeProvider } from "../../../shared/providers/descope/provider.ts";
import type { UserPatch } from "../../../shared/sync/diff.ts";
import type { ProviderState } from "../../../shared/sync/person-record.ts";
import type { PlannedOperation } from "../../../shared/sync/plan.ts";
import type { Log, Provider, SecretReader } from "../../../shared/sync/ports.ts";
import { managementKey, projectId } from "../../simulators/descope/http.ts";

export const secretValue = `${projectId}:${managementKey}`;

/** Secrets Manager with a cache: `current` is what the store holds, a fresh read refreshes the cache. */
export class TestSecrets implements SecretReader {
  current: string;
  cached: string | undefined;
  readonly reads: { fresh: boolean }[] = [];

  constructor(current = secretValue, cached?: string) {
    this.current = current;
    this.cached = cached;
  }

  async read(_name: string, options?: { fresh?: boolean }): Promise<string> {
    const fresh = options?.fresh ?? false;
    this.reads.push({ fresh });
    if (fresh || this.cached === undefined) this.cached = this.current;
    return this.cached;
  }
}

export class MemoryLog implements Log {
  readonly entries: { level: string; message: string; extra: Record<string, unknown>[] }[] = [];
  debug = (message: string, ...extra: Record<string, unknown>[]) => this.#add("debug", message, extra);
  info = (message: string, ...extra: Record<string, unknown>[]) => this.#add("info", message, extra);
  warn = (message: string, ...extra: Record<string, unknown>[]) => this.#add("warn", message, extra);
  error = (message: string, ...extra: Record<string, unknown>[]) => this.#add("error", message, extra);
  #add(level: string, message: string, extra: Record<string, unknown>[]) {
    this.entries.push({ level, message, extra });
  }
}

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
  options: {
    sim?: Partial<DescopeSimulatorOptions>;
    config?: object;
    secrets?: TestSecrets;
    clock?: Clock;
    fetch?: Fetch;
    concurrency?: number;
  } = {},
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
  const secrets = options.secrets ?? new TestSecrets();
  const log = new MemoryLog();
  const provider = createDescopeProvider(config, {
    secrets,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  return {
    sim,
    provider,
    secrets,
    log,
    config,
    requestsTo: (path) => sim.requests().filter((request) => request.path === path),
  };
}

export const createOp = (person: string, user: CanonicalUser, secrets?: ImportSecrets): PlannedOperation => ({
  op: "create",
  person,
  user,
  ...(secrets ? { secrets } : {}),
});
export const patchOp = (person: string, current: ProviderState, changes: UserPatch): PlannedOperation => ({
  op: "patch",
  person,
  current,
  changes,
});
export const statusOp = (person: string, current: ProviderState, active: boolean): PlannedOperation => ({
  op: "status",
  person,
  current,
  active,
});
export const deleteOp = (person: string, current: ProviderState): PlannedOperation => ({
  op: "delete",
  person,
  current,
});
