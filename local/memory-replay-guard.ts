import type { Clock } from "../shared/http/token-bucket.ts";
import type { ReplayGuard } from "../shared/sources/webhooks/ports.ts";

/** Replay protection for the local runtime and tests: claims live in memory until they expire. */
export class MemoryReplayGuard implements ReplayGuard {
  readonly #expiries = new Map<string, number>();
  readonly #clock: Pick<Clock, "now">;

  constructor(clock: Pick<Clock, "now"> = { now: Date.now }) {
    this.#clock = clock;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.#clock.now();
    const expiresAt = this.#expiries.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    if (this.#expiries.size >= 10_000) this.#forgetExpired(now);
    this.#expiries.set(key, now + ttlSeconds * 1000);
    return true;
  }

  async release(key: string): Promise<void> {
    this.#expiries.delete(key);
  }

  #forgetExpired(now: number): void {
    for (const [key, expiresAt] of this.#expiries) if (expiresAt <= now) this.#expiries.delete(key);
  }
}
