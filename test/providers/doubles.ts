import type { ProviderDepsInput } from "../../shared/http/client-deps.ts";
import type { Fetch } from "../../shared/http/request.ts";
import type { Clock } from "../../shared/http/token-bucket.ts";
import type { CanonicalUser, ImportSecrets } from "../../shared/model/user.ts";
import type { UserPatch } from "../../shared/sync/diff.ts";
import type { ProviderState } from "../../shared/sync/person-record.ts";
import type { PlannedOperation } from "../../shared/sync/plan.ts";
import type { Log, Provider, SecretReader } from "../../shared/sync/ports.ts";

/** Secrets Manager with a cache: `current` is what the store holds, a fresh read refreshes the cache. */
export class TestSecrets implements SecretReader {
  current: string;
  cached: string | undefined;
  readonly reads: { fresh: boolean }[] = [];

  constructor(current: string, cached?: string) {
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

/** What a provider harness may be given besides its simulator and configuration. */
export interface DepsOptions {
  secrets?: TestSecrets;
  clock?: Clock;
  fetch?: Fetch;
  concurrency?: number;
}

/**
 * A provider built with the given test doubles (a fresh log; secrets holding `secretValue` unless given)
 * and the system's defaults for the rest.
 */
export function wireProvider(
  options: DepsOptions,
  secretValue: string,
  create: (deps: ProviderDepsInput) => Provider,
): { provider: Provider; secrets: TestSecrets; log: MemoryLog } {
  const secrets = options.secrets ?? new TestSecrets(secretValue);
  const log = new MemoryLog();
  const provider = create({
    secrets,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  return { provider, secrets, log };
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
