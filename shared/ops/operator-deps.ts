import type { ScheduleSlot } from "../ports/change-scheduler.ts";
import type { ReconcileDeps } from "../reconcile/run.ts";
import type { AuditTrail, DeadLetterSink, DeprovisioningHolds, StateStore } from "../sync/ports.ts";

/** A dead letter as redrive lists or moves it: never its attributes, which may hold personal data. */
export interface RedrivenLetter {
  messageId: string;
  reason: string;
  provider?: string;
  change?: { id?: unknown; source?: unknown; person?: unknown; kind?: unknown };
  moved: boolean;
}

/** What a dead letter's change is, without its attributes; nothing for a body that is not JSON. */
export function letterChange(body: string): Pick<RedrivenLetter, "change"> {
  try {
    const { id, source, person, kind } = JSON.parse(body) as Record<string, unknown>;
    return { change: { id, source, person, kind } };
  } catch {
    return {};
  }
}

/** A change held for a moment in the future (a leaver's last day, a deletion after N days). */
export interface ScheduledChange extends ScheduleSlot {
  at: string;
}

/**
 * What the operator commands work on: the AWS adapters in the CLIs, the local runtime's in-memory ones
 * behind its operator endpoint. Every command is a plain function of these and its arguments.
 */
export interface OperatorDeps {
  store: StateStore;
  holds: DeprovisioningHolds;
  audit: AuditTrail;
  /** Sends bodies to the change queue unchanged. */
  requeue(bodies: readonly string[]): Promise<void>;
  deadLetters: DeadLetterSink;
  /** Moves the dead letters back to the change queue, or only lists them (`dryRun`). */
  redrive(options: { dryRun: boolean; max?: number }): Promise<RedrivenLetter[]>;
  /** The person's pending scheduled changes; undefined where they cannot be looked up. */
  scheduledFor?(person: string): Promise<ScheduledChange[]>;
  /** What a reconcile run works on; `files` are directory exports by file source name. */
  reconcile?(options: { files?: Readonly<Record<string, string>> }): ReconcileDeps;
  now?(): number;
}
