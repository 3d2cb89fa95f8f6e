import type { CanonicalUser } from "../model/user.ts";

export type { ChangeQueue, Log, SecretReader } from "../ports/common.ts";

import type { LeaverPolicy } from "../config/common.ts";
import type { AuditEntry } from "./audit-entry.ts";
import type { GuardWindow, HeldLeaver } from "./deprovisioning-guard.ts";
import type { PersonRecord } from "./person-record.ts";
import type { PlannedOperation } from "./plan.ts";

/** Keeps one record per person; writes are conditional on the version read (optimistic locking). */
export interface StateStore {
  get(persons: readonly string[]): Promise<Map<string, PersonRecord>>;
  /**
   * Writes `record` (whose version is the one read, or 0 for a new person) as version + 1.
   * Resolves false, writing nothing, when someone else wrote the person in between.
   */
  put(record: PersonRecord): Promise<boolean>;
  /** Persons whose desired loginId is `loginId`, compared case-insensitively (SCIM userName is caseExact false). */
  findByLoginId(loginId: string): Promise<PersonRecord[]>;
  /** Pages through every person; `after` is the `next` of the previous page. Order is stable, not meaningful. */
  list(options: { limit: number; after?: string }): Promise<{ records: PersonRecord[]; next?: string }>;
  /** How many persons a provider has acknowledged and not deleted (its users, as far as idp-sync knows). */
  countUsers(provider: string): Promise<number>;
  /**
   * Claims `loginId` (compared case-insensitively) for `person` in one conditional write, unless someone else
   * holds it. Resolves with the claim that holds it afterwards: the person's own (new, or kept) or the other.
   */
  claimLoginId(loginId: string, person: string, nowMs: number): Promise<LoginIdClaim>;
  /** Moves the claim to `person` only if it is still exactly `from`; resolves whether it did. */
  takeOverLoginId(loginId: string, from: LoginIdClaim, person: string, nowMs: number): Promise<boolean>;
  /** Removes the claim on `loginId` if `person` holds it. */
  releaseLoginId(loginId: string, person: string): Promise<void>;
}

/** Who holds a loginId claim, and since when (epoch ms). */
export interface LoginIdClaim {
  person: string;
  at: number;
}

/** Where the deprovisioning guard keeps its window per provider and the leavers it holds, durably. */
export interface DeprovisioningHolds {
  /**
   * Counts these persons as leavers at `nowMs` in the provider's sliding window; resolves with the window
   * after. A person counts once per window however often they are added (a redelivery, a retry, a crash
   * between counting and holding), so the count needs no repair. No persons: only reads the window.
   */
  addLeavers(
    provider: string,
    persons: readonly string[],
    nowMs: number,
    windowSeconds: number,
  ): Promise<GuardWindow>;
  /** The provider holds every leaver from now on (keeps the first `since` when it already does). */
  startHolding(provider: string, since: string): Promise<void>;
  /** Stops holding and empties the window: an operator decided on what was held. */
  reset(provider: string): Promise<void>;
  /** The held leavers of these persons at the provider. */
  get(provider: string, persons: readonly string[]): Promise<Map<string, HeldLeaver>>;
  /** Keeps leavers; one already held for the same person gains the new change bodies. */
  hold(leavers: readonly HeldLeaver[]): Promise<void>;
  /** Marks held leavers released until `expiresAtMs`; they apply the next time they are planned. */
  approve(provider: string, persons: readonly string[], expiresAtMs: number): Promise<void>;
  remove(provider: string, persons: readonly string[]): Promise<void>;
  /** The providers that hold, and every held leaver (of one provider, or of all). */
  list(provider?: string): Promise<{ holding: { provider: string; since: string }[]; held: HeldLeaver[] }>;
}

/** What happened to each person's changes at each provider, kept for a while (the state table, with a TTL). */
export interface AuditTrail {
  record(entries: readonly AuditEntry[]): Promise<void>;
  /** The person's entries still kept, oldest first. */
  forPerson(person: string): Promise<AuditEntry[]>;
  /** The person behind a change the trail holds an entry for. */
  personOfChange(changeId: string): Promise<string | undefined>;
}

/** Delays the redelivery of messages handed back for retry (SQS ChangeMessageVisibility). */
export interface MessageVisibility {
  delay(messages: readonly { receiptHandle: string; delaySeconds: number }[]): Promise<void>;
}

/** Where a change that can never apply goes, with the reason an operator needs to fix it. */
export interface DeadLetterSink {
  send(letters: readonly DeadLetter[]): Promise<void>;
}
export interface DeadLetter {
  /** The queue message body exactly as received, so a redrive replays it unchanged. */
  body: string;
  reason: string;
  provider?: string;
}

/** The result of one planned operation at one provider. */
export type OperationOutcome =
  | { person: string; result: "applied"; userId?: string }
  | { person: string; result: "retry"; reason: string; retryAfterSeconds?: number }
  | { person: string; result: "rejected"; reason: string };

/** What a provider must respect while applying one batch. */
export interface ApplyContext {
  /**
   * Epoch ms by which every request must have started: the invocation ends soon after. Requests pacing
   * would start later are not sent; their users go back to the queue instead.
   */
  deadline?: number;
}

/** An identity provider the sync core can apply planned operations to. */
export interface Provider {
  /** Unique per deployment; keys the provider's acknowledged state in each person record. */
  readonly name: string;
  readonly leaverPolicy: LeaverPolicy;
  /** With the `deactivate` policy: the days after which an inactive person is deleted (unset: never). */
  readonly deleteAfterDays?: number;
  /**
   * What the provider still needs before it can create this user (e.g. "ZITADEL requires an e-mail
   * address"), or undefined when it can: until then the create waits, unsent.
   */
  missingForCreate?(user: CanonicalUser): string | undefined;
  /** Applies every operation (batching as the provider allows) and reports one outcome per operation. */
  apply(operations: readonly PlannedOperation[], context?: ApplyContext): Promise<OperationOutcome[]>;
}
