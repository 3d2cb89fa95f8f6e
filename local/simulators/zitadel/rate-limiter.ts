import type { Clock } from "../../../shared/http/token-bucket.ts";

const windowMs = 1000;

/**
 * ZITADEL Cloud's kind of limit: at most `limit` requests in any second from one client. Refused requests
 * do not count; the answer says when the oldest counted request leaves the window.
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #limit: number;
  #starts: number[] = [];

  constructor(limit: number, clock: Clock) {
    this.#limit = limit;
    this.#clock = clock;
  }

  /** Counts a request; undefined when allowed, else the whole seconds to wait (Retry-After). */
  hit(): number | undefined {
    const now = this.#clock.now();
    this.#starts = this.#starts.filter((start) => start > now - windowMs);
    if (this.#starts.length >= this.#limit)
      return Math.max(1, Math.ceil(((this.#starts[0] as number) + windowMs - now) / 1000));
    this.#starts.push(now);
    return undefined;
  }

  reset(): void {
    this.#starts = [];
  }
}
