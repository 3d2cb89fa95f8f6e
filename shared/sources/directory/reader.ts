import { TransportError } from "../../http/request.ts";
import type { UserChange } from "../../model/change.ts";

/** A leaver whose leaving date lies ahead of the snapshot: the `deactivate` to hold until `at`. */
export interface HeldLeaver {
  change: UserChange;
  at: string;
}

/**
 * One page of a full-directory read from an HR source: the people on it as canonical changes (an `upsert`
 * or `deactivate` per person, `at` = the snapshot's fetch time, so a newer webhook always wins the merge),
 * and the cursor of the next page, absent on the last one.
 */
export interface DirectoryPage {
  changes: UserChange[];
  next?: string;
  /** People on this page whose leaving date is still ahead (they are upserted active meanwhile). */
  held?: HeldLeaver[];
  /** Values that did not fit their attribute ("person 42: email: Invalid email"); the rest still applies. */
  problems?: string[];
}

/** A full-directory reader of one HR source (BambooHR, HiBob, Personio, a file): paged and resumable. */
export interface DirectoryReader {
  readonly source: string;
  /**
   * Reads the page at `cursor` (undefined: the first). Throws on a failure it could not ride out: a
   * `DirectoryReadError` says whether trying the page again may help, anything else is final.
   */
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
  /** Where to resume when the read stopped early (complete = false because of a deadline or a failed page). */
  resumeCursor?: string;
  /** Leavers with a leaving date ahead, from every page read (readSnapshot always sets the optional fields below). */
  held?: HeldLeaver[];
  /** Mapping problems of the pages read (the people concerned are still in `changes`). */
  problems?: string[];
  /** Why the read is incomplete: a page that failed (with the source's answer), or the deadline. */
  failure?: string;
  /** Pages read in this run. */
  pages?: number;
}

/** A page that could not be read: `retryable` when the same request may succeed later (429, 5xx, no answer). */
export class DirectoryReadError extends Error {
  override readonly name = "DirectoryReadError";
  readonly retryable: boolean;
  /** The source's Retry-After, when it sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterSeconds?: number | undefined }) {
    super(message);
    this.retryable = options.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Whether a page's failure may pass by trying again: a `DirectoryReadError` says so, a missing answer is. */
export function retryHint(error: unknown): { retryable: boolean; retryAfterSeconds: number | undefined } {
  if (error instanceof DirectoryReadError)
    return { retryable: error.retryable, retryAfterSeconds: error.retryAfterSeconds };
  return { retryable: error instanceof TransportError, retryAfterSeconds: undefined };
}
