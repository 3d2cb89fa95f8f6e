import { type Clock, TokenBucket } from "../../http/token-bucket.ts";

/** A pause shorter than this is waited out; a longer one is handed back to the queue as a retry. */
const maxWaitMs = 5_000;

/**
 * Paces requests so that this process stays within its share of the requests per second ZITADEL may
 * get from this deployment, and holds every request back while ZITADEL's Retry-After runs (its limit is
 * per IP, not per path, so one 429 concerns all requests).
 */
export class RequestPacer {
  readonly #clock: Clock;
  readonly #bucket: TokenBucket;
  #pausedUntil = 0;

  /** `processes`: how many sync processes share `requestsPerSecond`. */
  constructor(requestsPerSecond: number, processes: number, clock: Clock) {
    const perSecond = requestsPerSecond / Math.max(1, processes);
    this.#clock = clock;
    // Capacity 1: requests are spread evenly instead of bursting, since ZITADEL counts per second.
    this.#bucket = new TokenBucket({ capacity: 1, windowMs: 1000 / perSecond, clock });
  }

  /**
   * Resolves with undefined when a request may start, with the seconds of a pause too long to wait, or
   * with "deadline" when its turn would come after `deadline` (epoch ms).
   */
  async acquire(deadline?: number): Promise<number | "deadline" | undefined> {
    for (;;) {
      const pausedMs = this.#pausedUntil - this.#clock.now();
      const pastDeadline = deadline !== undefined && this.#clock.now() + pausedMs > deadline;
      if (pastDeadline || pausedMs > maxWaitMs) return Math.ceil(pausedMs / 1000);
      if (pausedMs > 0) await this.#clock.sleep(pausedMs);
      if (!(await this.#bucket.takeBefore(deadline))) return "deadline";
      // A pause that began while this request waited for its turn is waited for too.
      if (this.#pausedUntil <= this.#clock.now()) return undefined;
    }
  }

  /** After a 429: nothing starts for `seconds`, and pacing restarts from an empty bucket. */
  pause(seconds: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + seconds * 1000);
    this.#bucket.drain(seconds * 1000);
  }
}
