export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Paces requests: up to `capacity` may start at once, and tokens refill continuously at `capacity` per
 * `windowMs`. Any window of length `windowMs` therefore admits up to twice `capacity` (a full bucket plus
 * a window's refill); callers needing a strict per-window limit size the burst accordingly (see the
 * Descope request budgets). Callers wait their turn in order; nobody is refused.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: { capacity: number; windowMs: number; clock?: Clock }) {
    if (options.capacity <= 0 || options.windowMs <= 0)
      throw new RangeError("capacity and window must be positive");
    this.#capacity = options.capacity;
    this.#refillPerMs = options.capacity / options.windowMs;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = options.capacity;
    this.#updatedAt = this.#clock.now();
  }

  /** Resolves when the caller may send one request. */
  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#takeInOrder());
    this.#queue = turn;
    return turn;
  }

  /**
   * Like `take`, but gives up at `deadline` (epoch ms) and then resolves false. A turn given up is still
   * taken later by the queue, which only slows pacing down; it never lets a request through early.
   */
  async takeBefore(deadline: number | undefined): Promise<boolean> {
    if (deadline === undefined) {
      await this.take();
      return true;
    }
    const left = deadline - this.#clock.now();
    if (left <= 0) return false;
    return Promise.race([this.take().then(() => true), this.#clock.sleep(left).then(() => false)]);
  }

  /** Empties the bucket, e.g. after the provider answered 429, so nothing more starts until it refills. */
  drain(waitMs = 0): void {
    this.#refill();
    this.#tokens = -waitMs * this.#refillPerMs;
  }

  async #takeInOrder(): Promise<void> {
    this.#refill();
    while (this.#tokens < 1) {
      await this.#clock.sleep(Math.ceil((1 - this.#tokens) / this.#refillPerMs));
      this.#refill();
    }
    this.#tokens -= 1;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#refillPerMs);
    this.#updatedAt = now;
  }
}
