import {
  expiredBuckets,
  type GuardWindow,
  type HeldLeaver,
  leaversInWindow,
  windowBucket,
} from "./deprovisioning-guard.ts";
import type { DeprovisioningHolds } from "./ports.ts";

interface ProviderGuard {
  /** The persons counted in each bucket of the window. */
  buckets: Record<string, string[]>;
  holdingSince?: string;
}

interface Kept {
  /** The leaver as JSON, so callers can never mutate what is kept. */
  json: string;
  /** Epoch ms after which a released leaver is gone (DynamoDB's TTL attribute, honoured on read there too). */
  expiresAtMs?: number;
}

/** The guard's store in memory, for the local runtime and tests: same contract as the DynamoDB one. */
export class MemoryDeprovisioningHolds implements DeprovisioningHolds {
  readonly #guards = new Map<string, ProviderGuard>();
  readonly #held = new Map<string, Kept>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async addLeavers(
    provider: string,
    persons: readonly string[],
    nowMs: number,
    windowSeconds: number,
  ): Promise<GuardWindow> {
    const guard = this.#guards.get(provider) ?? { buckets: {} };
    const bucket = windowBucket(nowMs, windowSeconds);
    // Once the provider holds, counting no longer matters (the DynamoDB store stops growing its item then).
    if (persons.length > 0 && guard.holdingSince === undefined)
      guard.buckets[bucket] = [...new Set([...(guard.buckets[bucket] ?? []), ...persons])];
    for (const expired of expiredBuckets(guard.buckets, nowMs, windowSeconds)) delete guard.buckets[expired];
    this.#guards.set(provider, guard);
    const inWindow = leaversInWindow(guard.buckets, nowMs, windowSeconds);
    return guard.holdingSince === undefined ? { inWindow } : { inWindow, holdingSince: guard.holdingSince };
  }

  async startHolding(provider: string, since: string): Promise<void> {
    const guard = this.#guards.get(provider) ?? { buckets: {} };
    guard.holdingSince ??= since;
    this.#guards.set(provider, guard);
  }

  async reset(provider: string): Promise<void> {
    this.#guards.delete(provider);
  }

  async get(provider: string, persons: readonly string[]): Promise<Map<string, HeldLeaver>> {
    const found = new Map<string, HeldLeaver>();
    for (const person of persons) {
      const leaver = this.#read(key(provider, person));
      if (leaver) found.set(person, leaver);
    }
    return found;
  }

  async hold(leavers: readonly HeldLeaver[]): Promise<void> {
    for (const leaver of leavers) {
      const id = key(leaver.provider, leaver.person);
      const kept = this.#read(id);
      const changes = [...new Set([...(kept?.changes ?? []), ...leaver.changes])];
      const merged = kept ? { ...kept, op: leaver.op, changes } : { ...leaver, changes };
      this.#held.set(id, { ...this.#held.get(id), json: JSON.stringify(merged) });
    }
  }

  async approve(provider: string, persons: readonly string[], expiresAtMs: number): Promise<void> {
    for (const person of persons) {
      const leaver = this.#read(key(provider, person));
      if (leaver)
        this.#held.set(key(provider, person), {
          json: JSON.stringify({ ...leaver, approved: true }),
          expiresAtMs,
        });
    }
  }

  async remove(provider: string, persons: readonly string[]): Promise<void> {
    for (const person of persons) this.#held.delete(key(provider, person));
  }

  async list(provider?: string) {
    const holding = [...this.#guards]
      .filter(([name, guard]) => guard.holdingSince !== undefined && (provider ?? name) === name)
      .map(([name, guard]) => ({ provider: name, since: guard.holdingSince as string }));
    const held = [...this.#held.keys()]
      .map((id) => this.#read(id))
      .filter((leaver): leaver is HeldLeaver => leaver !== undefined)
      .filter((leaver) => (provider ?? leaver.provider) === leaver.provider);
    return { holding, held };
  }

  #read(id: string): HeldLeaver | undefined {
    const kept = this.#held.get(id);
    if (kept === undefined) return undefined;
    if (kept.expiresAtMs !== undefined && kept.expiresAtMs <= this.#now()) {
      this.#held.delete(id);
      return undefined;
    }
    return JSON.parse(kept.json) as HeldLeaver;
  }
}

const key = (provider: string, person: string) => JSON.stringify([provider, person]);
