import type { DirectoryReader, SourceSnapshot } from "../sources/directory/reader.ts";
import type { Log } from "../sync/ports.ts";
import type { ProviderDirectory, ProviderListing } from "./ports.ts";

export interface ReadOptions {
  log: Log;
  /** Epoch ms after which no further page is read: the snapshot stays incomplete, with a resume cursor. */
  deadline?: number;
  now?: () => number;
  /** Called after each page with the number of items it held. */
  onPage?: (items: number) => void;
}

const pastDeadline = ({ deadline, now = Date.now }: ReadOptions) =>
  deadline !== undefined && now() >= deadline;

/**
 * Reads a source's directory from `cursor` on (the first page without one), stamping every change with
 * `fetchedAt` and adding to the changes of `partial` (an earlier invocation's progress). A failed page or the
 * deadline ends the read: the snapshot is then incomplete, and after the deadline holds where to resume.
 */
export async function readSnapshot(
  reader: DirectoryReader,
  fetchedAt: string,
  options: ReadOptions & { cursor?: string; partial?: SourceSnapshot["changes"] },
): Promise<SourceSnapshot> {
  const changes = [...(options.partial ?? [])];
  const snapshot: SourceSnapshot = { source: reader.source, fetchedAt, complete: false, changes };
  let cursor = options.cursor;
  for (;;) {
    if (pastDeadline(options)) return cursor === undefined ? snapshot : { ...snapshot, resumeCursor: cursor };
    try {
      const page = await reader.readPage(cursor, fetchedAt);
      snapshot.changes.push(...page.changes);
      options.onPage?.(page.changes.length);
      if (page.next === undefined) return { ...snapshot, complete: true };
      cursor = page.next;
    } catch (error) {
      options.log.warn("directory read failed: the snapshot is incomplete", { source: reader.source, error });
      return snapshot;
    }
  }
}

/** Lists every user of a provider; a failed page or the deadline leaves the listing incomplete. */
export async function readListing(
  directory: ProviderDirectory,
  options: ReadOptions,
): Promise<ProviderListing> {
  const listing: ProviderListing = { provider: directory.provider, complete: false, users: [] };
  let cursor: string | undefined;
  for (;;) {
    if (pastDeadline(options)) return { ...listing, error: "stopped at the deadline" };
    try {
      const page = await directory.readPage(cursor);
      listing.users.push(...page.users);
      options.onPage?.(page.users.length);
      if (page.next === undefined) return { ...listing, complete: true };
      cursor = page.next;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      options.log.warn("provider listing failed", { provider: directory.provider, error });
      return { ...listing, error: `listing failed: ${reason}` };
    }
  }
}
