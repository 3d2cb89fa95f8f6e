import type { Clock } from "../../../shared/http/token-bucket.ts";

/**
 * Time that moves only when told to, or when someone sleeps: once the current work has yielded, the clock
 * jumps to the earliest wake-up. Lets pacing over minutes run in milliseconds.
 */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: { at: number; wake: () => void }[] = [];
  #scheduled = false;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.#sleepers.push({ at: this.#now + ms, wake });
      this.#schedule();
    });
  }

  advance(ms: number): void {
    this.#now += ms;
    this.#wakeDue();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#sleepers.length === 0) return;
      const next = Math.min(...this.#sleepers.map((sleeper) => sleeper.at));
      if (next > this.#now) this.#now = next;
      this.#wakeDue();
      if (this.#sleepers.length > 0) this.#schedule();
    });
  }

  #wakeDue(): void {
    const due = this.#sleepers.filter((sleeper) => sleeper.at <= this.#now);
    this.#sleepers = this.#sleepers.filter((sleeper) => sleeper.at > this.#now);
    for (const sleeper of due) sleeper.wake();
  }
}
