import type { ChangeAttributes } from "../model/change.ts";
import type { PersonView } from "../model/person-view.ts";

/** A change a source computed for one person, before it is stamped with an id and a time. */
export interface ChangeDraft {
  kind: "upsert" | "delete";
  attributes: ChangeAttributes;
}

/**
 * Computes a person's change from how they stand now; undefined when nothing changes. It may throw (a
 * precondition the person fails); it runs again on the fresh person after a concurrent write.
 */
export type Drafter = (view: PersonView) => ChangeDraft | undefined;

/** Where the changes of one request come from and when it arrived (epoch ms). */
export interface ChangeOrigin {
  source: string;
  receivedAt: number;
  newChangeId: () => string;
}

/**
 * What a source that answers from what it accepted (SCIM) needs of the state: read persons as accepted so
 * far, record accepted changes so that the next read sees them (read-your-writes) and queue them for the
 * sync worker, and reserve login ids atomically. The sync core owns the state behind it (sync/intake.ts).
 */
export interface PersonIntake {
  get(persons: readonly string[]): Promise<Map<string, PersonView>>;
  /** Persons whose loginId is `loginId`, compared case-insensitively (SCIM userName is caseExact false). */
  findByLoginId(loginId: string): Promise<PersonView[]>;
  /** Pages through every person; `after` is the `next` of the previous page. */
  list(options: { limit: number; after?: string }): Promise<{ persons: PersonView[]; next?: string }>;
  /**
   * Drafts each person's change from how they stand, records it (retrying the draft after a concurrent
   * write) and queues it. Resolves with each person as written (or as read, when nothing changed), and
   * `recorded: false` when some change could be neither recorded nor queued (nothing of it stays).
   */
  accept(
    persons: readonly string[],
    draft: Drafter,
    origin: ChangeOrigin,
  ): Promise<{ persons: Map<string, PersonView>; recorded: boolean }>;
  /**
   * Reserves `loginId` (any case) for `person`, atomically: two persons racing for it cannot both get it.
   * Resolves undefined when it is the person's now, else with the person who holds it.
   */
  reserveLoginId(loginId: string, person: string, nowMs: number): Promise<string | undefined>;
  /** Gives the reservation up, when `person` holds it (a rename's old name, a deleted person's). */
  releaseLoginId(loginId: string, person: string): Promise<void>;
}
