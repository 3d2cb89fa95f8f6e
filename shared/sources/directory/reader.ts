import type { UserChange } from "../../model/change.ts";

/**
 * One page of a full-directory read from an HR source: the people on it as canonical changes (an `upsert`
 * or `deactivate` per person, `at` = the snapshot's fetch time, so a newer webhook always wins the merge),
 * and the cursor of the next page, absent on the last one.
 */
export interface DirectoryPage {
  changes: UserChange[];
  next?: string;
}

/** A full-directory reader of one HR source (BambooHR, HiBob, Personio, a file): paged and resumable. */
export interface DirectoryReader {
  readonly source: string;
  /** Reads the page at `cursor` (undefined: the first). Throws on a failure it could not ride out. */
  readPage(cursor: string | undefined, fetchedAt: string): Promise<DirectoryPage>;
}

/**
 * A source snapshot: every person the source listed, stamped with its fetch time. `complete` is false when
 * a page failed or the read stopped early; an incomplete snapshot never produces leavers.
 */
export interface SourceSnapshot {
  source: string;
  fetchedAt: string;
  complete: boolean;
  changes: UserChange[];
  /** Where to resume when the read stopped early (complete = false because of a deadline). */
  resumeCursor?: string;
}
