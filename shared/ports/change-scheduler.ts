import type { ChangeKind, UserChange } from "../model/change.ts";

/**
 * Holds a change until a moment in the future, then hands it to the queue (EventBridge Scheduler in AWS,
 * a timer locally). A source keeps at most one pending change per person and kind: scheduling again
 * replaces it, so a leaving date that moves is applied once, at its latest value.
 */
export interface ChangeScheduler {
  schedule(change: UserChange, at: Date): Promise<void>;
  /** Drops the pending change of that slot, if any (a termination that was withdrawn). */
  cancel(slot: ScheduleSlot): Promise<void>;
}

export interface ScheduleSlot {
  source: string;
  person: string;
  kind: ChangeKind;
}

export const slotOf = (change: UserChange): ScheduleSlot => ({
  source: change.source,
  person: change.person,
  kind: change.kind,
});
