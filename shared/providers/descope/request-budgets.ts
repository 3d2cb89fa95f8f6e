import { type Clock, TokenBucket } from "../../http/token-bucket.ts";

const windowMs = 60_000;
/** The longest a request waits for a rate-limit pause before its users go back to the queue instead. */
const maxPauseWaitMs = 5_000;
const createPaths = new Set(["/v1/mgmt/user/create", "/v1/mgmt/user/create/batch"]);

interface RateLimits {
  createPerMinute: number;
  otherPerMinute: number;
}

/**
 * Paces requests per path so that this process stays within its share of Descope's per-project budget,
 * and stops sending on a path Descope answered 429 on until its Retry-After has passed.
 */
export class RequestBudgets {
  readonly #limits: RateLimits;
  readonly #processes: number;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #pausedUntil = new Map<string, number>();
  readonly #pauseSignals = new Map<string, { paused: Promise<void>; notify: () => void }>();

  /** `processes`: how many processes share the budget (sync invocations that may run at once). */
  constructor(limits: RateLimits, processes: number, clock: Clock) {
    this.#limits = limits;
    this.#processes = Math.max(1, processes);
    this.#clock = clock;
  }

  /**
   * Resolves with undefined when a request on `path` may start, or with the seconds the path is still
   * paused for when that is longer than this invocation should wait. Short pauses (a 429's usual
   * Retry-After) are waited out here: handing every waiting user back to the queue would spend one of its
   * receives per pause, and a busy minute could exhaust them without a single request being sent. A
   * caller waiting its turn when a pause begins is woken at once to reconsider; its place in the bucket is
   * still consumed later, which only slows pacing down. Resolves "deadline" when the request could not
   * start before `deadline` (epoch ms).
   */
  async acquire(path: string, deadline?: number): Promise<number | "deadline" | undefined> {
    let waitedMs = 0;
    for (;;) {
      const pausedMs = this.#pausedMs(path);
      if (pausedMs > 0) {
        const pastDeadline = deadline !== undefined && this.#clock.now() + pausedMs > deadline;
        if (pastDeadline || waitedMs + pausedMs > maxPauseWaitMs) return Math.ceil(pausedMs / 1000);
        await this.#clock.sleep(pausedMs);
        waitedMs += pausedMs;
        continue;
      }
      const turn = this.#bucket(path).takeBefore(deadline);
      const signalled = await Promise.race([turn, this.#pauseSignal(path).then(() => "paused" as const)]);
      if (signalled === false) return "deadline";
      if (this.#pausedMs(path) <= 0) return undefined;
    }
  }

  /** After a 429: nothing starts on `path` for `seconds`, and the bucket refills from empty afterwards. */
  pause(path: string, seconds: number): void {
    const until = this.#clock.now() + seconds * 1000;
    this.#pausedUntil.set(path, Math.max(until, this.#pausedUntil.get(path) ?? 0));
    this.#bucket(path).drain(seconds * 1000);
    this.#pauseSignals.get(path)?.notify();
    this.#pauseSignals.delete(path);
  }

  #pausedMs(path: string): number {
    return (this.#pausedUntil.get(path) ?? 0) - this.#clock.now();
  }

  #pauseSignal(path: string): Promise<void> {
    let signal = this.#pauseSignals.get(path);
    if (!signal) {
      let notify = () => {};
      const paused = new Promise<void>((resolve) => {
        notify = resolve;
      });
      signal = { paused, notify };
      this.#pauseSignals.set(path, signal);
    }
    return signal.paused;
  }

  #bucket(path: string): TokenBucket {
    let bucket = this.#buckets.get(path);
    if (!bucket) {
      const perMinute = createPaths.has(path) ? this.#limits.createPerMinute : this.#limits.otherPerMinute;
      bucket = pacedBucket(Math.max(1, Math.floor(perMinute / this.#processes)), this.#clock);
      this.#buckets.set(path, bucket);
    }
    return bucket;
  }
}

/**
 * A bucket that lets at most `limit` requests start in any 60 s window. A token bucket of capacity C
 * refilling at r allows C + r·60 s in a window, so a full-size burst (C = limit) would allow twice the
 * limit; here a tenth of the limit may burst and the rest is spread evenly.
 */
function pacedBucket(limit: number, clock: Clock): TokenBucket {
  const burst = Math.max(1, Math.ceil(limit / 10));
  const refillWindowMs = limit > burst ? (windowMs * burst) / (limit - burst) : windowMs;
  return new TokenBucket({ capacity: burst, windowMs: refillWindowMs, clock });
}
