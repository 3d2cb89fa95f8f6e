import type { Log } from "../sync/ports.ts";
import type { ListedUser, ProviderDirectory, ProviderListing, ProviderListingPage } from "./ports.ts";

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
 * Lists every user of a provider; a failed page or the deadline leaves the listing incomplete, and so do
 * users created or removed while it was read (the count differs from the provider's total), since a user
 * shifted out of a page must not look gone.
 */
export async function readListing(
  directory: ProviderDirectory,
  options: ReadOptions,
): Promise<ProviderListing> {
  const users = new Map<string, ListedUser>();
  const incomplete = (error: string): ProviderListing => ({
    provider: directory.provider,
    complete: false,
    users: [...users.values()],
    error,
  });
  let cursor: string | undefined;
  let skipped = 0;
  for (;;) {
    if (pastDeadline(options)) return incomplete("stopped at the deadline");
    let page: ProviderListingPage;
    try {
      page = await directory.readPage(cursor);
    } catch (error) {
      options.log.warn("provider listing failed", { provider: directory.provider, error });
      return incomplete(`listing failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const user of page.users) users.set(user.userId, user);
    skipped += page.skipped ?? 0;
    options.onPage?.(page.users.length);
    if (page.next !== undefined) {
      cursor = page.next;
      continue;
    }
    const read = users.size + skipped;
    if (page.total !== undefined && page.total !== read)
      return incomplete(
        `the provider's users changed during the listing (${read} read, ${page.total} in all)`,
      );
    return { provider: directory.provider, complete: true, users: [...users.values()] };
  }
}
