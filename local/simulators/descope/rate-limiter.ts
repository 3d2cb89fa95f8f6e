import type { Clock } from "../../../shared/http/token-bucket.ts";

const windowMs = 60_000;

/**
 * Descope's documented limit: at most `limit` requests per 60 s per key (project and path), and once
 * exceeded a 60-second backoff during which every request is refused. Refused requests do not count.
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #keys = new Map<string, { starts: number[]; blockedUntil: number }>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Counts a request; resolves undefined when allowed, else the seconds to wait (Retry-After). */
  hit(key: string, limit: number): number | undefined {
    const now = this.#clock.now();
    const state = this.#keys.get(key) ?? { starts: [], blockedUntil: 0 };
    this.#keys.set(key, state);
    if (now < state.blockedUntil) return Math.ceil((state.blockedUntil - now) / 1000);
    state.starts = state.starts.filter((start) => start > now - windowMs);
    if (state.starts.length >= limit) {
      state.blockedUntil = now + windowMs;
      return windowMs / 1000;
    }
    state.starts.push(now);
    return undefined;
  }

  reset(): void {
    this.#keys.clear();
  }
}
