export { type ChangeScheduler, type ScheduleSlot, slotOf } from "../../ports/change-scheduler.ts";

/** Remembers deliveries already accepted, so a captured request cannot be replayed. */
export interface ReplayGuard {
  /** Resolves true for the first claim of `key` within `ttlSeconds`, false when it was already claimed. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets a claim whose delivery could not be handed on, so the sender's retry is accepted. */
  release(key: string): Promise<void>;
}
