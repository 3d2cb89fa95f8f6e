import { type Clock, systemClock } from "../../http/token-bucket.ts";
import type { UserChange } from "../../model/change.ts";
import type { DirectoryPage, DirectoryReader, HeldLeaver, SourceSnapshot } from "./reader.ts";
import { retryHint } from "./reader.ts";

/** Progress after each page, e.g. for a progress bar. */
export interface SnapshotProgress {
  source: string;
  pages: number;
  people: number;
  /** The cursor of the next page; absent once the last page is read. */
  next?: string;
}

/** How often, and how long, one page is tried again. */
export interface PageRetryPolicy {
  /** Tries of one page in all, the first included. */
  maxAttempts: number;
  /** Backoff after a failure without Retry-After: base × 2^(attempt − 1), at most `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the read stops, resumable, instead. */
  maxRetryAfterSeconds: number;
}

export const defaultPageRetry: PageRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterSeconds: 300,
};

export interface SnapshotOptions {
  /** Resume at this page (a previous snapshot's `resumeCursor`); undefined starts at the first. */
  cursor?: string | undefined;
  /**
   * The fetch time every change is stamped with (default: now). A resumed read passes the first run's, so
   * its changes carry the same ids and time as the pages read before.
   */
  fetchedAt?: string | undefined;
  /** Epoch ms: no page starts, and no wait ends, after it; the snapshot is then incomplete and resumable. */
  deadline?: number | undefined;
  onPage?: ((progress: SnapshotProgress) => void) | undefined;
  retry?: PageRetryPolicy | undefined;
  clock?: Clock | undefined;
}

type Attempt = { page: DirectoryPage } | { stop: string };

/**
 * Reads a source page by page into a snapshot. A page answered 429 is tried again after its Retry-After,
 * a 5xx or a missing answer after a growing backoff, both a bounded number of times. A page that still
 * fails, or a deadline, ends the read: the pages read so far are kept, and the snapshot is marked
 * incomplete with the cursor to resume from. Never throws for a source's failure.
 */
export async function readSnapshot(
  reader: DirectoryReader,
  options: SnapshotOptions = {},
): Promise<SourceSnapshot> {
  const clock = options.clock ?? systemClock;
  const fetchedAt = options.fetchedAt ?? new Date(clock.now()).toISOString();
  const changes: UserChange[] = [];
  const held: HeldLeaver[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  let cursor = options.cursor;
  let pages = 0;
  const snapshot = (failure?: string, resumable = true): SourceSnapshot => ({
    source: reader.source,
    fetchedAt,
    complete: failure === undefined,
    changes,
    held,
    problems,
    pages,
    ...(failure === undefined || !resumable || cursor === undefined ? {} : { resumeCursor: cursor }),
    ...(failure === undefined ? {} : { failure }),
  });

  for (;;) {
    if (options.deadline !== undefined && clock.now() >= options.deadline)
      return snapshot("stopped at the deadline");
    const attempt = await readWithRetries(reader, cursor, fetchedAt, options, clock);
    if ("stop" in attempt) return snapshot(attempt.stop);
    const { page } = attempt;
    pages += 1;
    changes.push(...page.changes);
    held.push(...(page.held ?? []));
    problems.push(...(page.problems ?? []));
    options.onPage?.({
      source: reader.source,
      pages,
      people: changes.length,
      ...(page.next === undefined ? {} : { next: page.next }),
    });
    if (cursor !== undefined) seen.add(cursor);
    if (page.next === undefined) return snapshot();
    // A source that hands out a cursor again would be read forever; resuming there would loop as well.
    if (seen.has(page.next))
      return snapshot(`the source answered cursor "${page.next}" a second time`, false);
    cursor = page.next;
  }
}

async function readWithRetries(
  reader: DirectoryReader,
  cursor: string | undefined,
  fetchedAt: string,
  options: SnapshotOptions,
  clock: Clock,
): Promise<Attempt> {
  const policy = options.retry ?? defaultPageRetry;
  const where = cursor === undefined ? "the first page" : `the page at cursor "${cursor}"`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { page: await reader.readPage(cursor, fetchedAt) };
    } catch (error) {
      const reason = `${where} failed: ${error instanceof Error ? error.message : String(error)}`;
      const hint = retryHint(error);
      if (!hint.retryable) return { stop: reason };
      if (attempt >= policy.maxAttempts) return { stop: `${reason} (tried ${attempt} times)` };
      if (hint.retryAfterSeconds !== undefined && hint.retryAfterSeconds > policy.maxRetryAfterSeconds)
        return { stop: `${reason} (Retry-After ${hint.retryAfterSeconds} s is longer than we wait)` };
      const delayMs =
        hint.retryAfterSeconds !== undefined
          ? hint.retryAfterSeconds * 1000
          : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      if (options.deadline !== undefined && clock.now() + delayMs >= options.deadline)
        return { stop: `${reason}; waiting ${delayMs} ms to try again would pass the deadline` };
      await clock.sleep(delayMs);
    }
  }
}
