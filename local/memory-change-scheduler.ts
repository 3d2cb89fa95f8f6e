import type { Clock } from "../shared/http/token-bucket.ts";
import type { UserChange } from "../shared/model/change.ts";
import { type ChangeScheduler, type ScheduleSlot, slotOf } from "../shared/sources/webhooks/ports.ts";
import type { ChangeQueue } from "../shared/sync/ports.ts";

/**
 * The local stand-in for EventBridge Scheduler: holds changes in memory, one per slot, and hands them to the
 * queue once the clock reaches their time. `releaseDue` does one round (tests drive it with their own
 * clock); `start` runs rounds on a timer, as the local runtime does.
 */
export class MemoryChangeScheduler implements ChangeScheduler {
  readonly #pending = new Map<string, { change: UserChange; at: number }>();
  readonly #queue: ChangeQueue;
  readonly #clock: Pick<Clock, "now">;
  #timer: NodeJS.Timeout | undefined;

  constructor(queue: ChangeQueue, clock: Pick<Clock, "now"> = { now: Date.now }) {
    this.#queue = queue;
    this.#clock = clock;
  }

  async schedule(change: UserChange, at: Date): Promise<void> {
    this.#pending.set(slotKey(slotOf(change)), { change, at: at.getTime() });
  }

  async cancel(slot: ScheduleSlot): Promise<void> {
    this.#pending.delete(slotKey(slot));
  }

  /** What is held, soonest first. */
  pending(): { change: UserChange; at: Date }[] {
    return [...this.#pending.values()]
      .sort((a, b) => a.at - b.at)
      .map(({ change, at }) => ({ change, at: new Date(at) }));
  }

  /** Queues every held change whose time has come; one the queue refuses stays held for the next round. */
  async releaseDue(): Promise<UserChange[]> {
    const now = this.#clock.now();
    const due = [...this.#pending].filter(([, held]) => held.at <= now);
    if (due.length === 0) return [];
    for (const [key] of due) this.#pending.delete(key);
    const changes = due.map(([, held]) => held.change);
    const failed = new Set(await this.#queue.send(changes));
    for (const [key, held] of due) if (failed.has(held.change.id)) this.#pending.set(key, held);
    return changes.filter((change) => !failed.has(change.id));
  }

  /** Releases due changes every `intervalMs` (well within the minute a leaver may take). */
  start(intervalMs = 1000): void {
    this.stop();
    this.#timer = setInterval(() => void this.releaseDue(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

const slotKey = (slot: ScheduleSlot) => JSON.stringify([slot.source, slot.person, slot.kind]);
