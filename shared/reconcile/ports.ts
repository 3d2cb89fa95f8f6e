import type { LeaverPolicy } from "../config/common.ts";
import type { CanonicalUser, ProfileAttribute } from "../model/user.ts";
import type { SourceSnapshot } from "../sources/directory/reader.ts";

/** One user as a provider's full listing shows it. */
export interface ListedUser {
  /** The provider's own id of the user. */
  userId: string;
  /** Every identifier the user signs in with (Descope loginIds, the ZITADEL username). */
  loginIds: string[];
  email?: string;
  /** What the provider holds, in canonical terms, for the attributes the listing shows (`visibleAttributes`). */
  user: CanonicalUser;
}

export interface ProviderListingPage {
  users: ListedUser[];
  /** The cursor of the next page, absent on the last one. */
  next?: string;
  /** How many users the provider said it holds in all: checked against those read, on the last page. */
  total?: number;
  /** Results of this page that are not users idp-sync can manage (ZITADEL machine users); count to `total`. */
  skipped?: number;
}

/**
 * Reads every user of one provider, page by page, and says how the provider compares users: reconcile finds
 * drift by comparing what the provider would hold for two canonical users, not the users themselves, so a
 * difference the provider cannot store (an empty string against an absent one) is no drift.
 */
export interface ProviderDirectory {
  readonly provider: string;
  readonly leaverPolicy: LeaverPolicy;
  /** The canonical attributes a listed user shows; the others are taken to be as the provider acknowledged. */
  readonly visibleAttributes: readonly ProfileAttribute[];
  /** The user as the provider would hold it: two users with deeply equal projections need no call. */
  project(user: CanonicalUser): unknown;
  /** Reads the page at `cursor` (undefined: the first). Throws on a failure it could not ride out. */
  readPage(cursor: string | undefined): Promise<ProviderListingPage>;
}

/** Every user of a provider; an incomplete listing (a page failed) plans nothing for that provider. */
export interface ProviderListing {
  provider: string;
  complete: boolean;
  users: ListedUser[];
  /** Why the listing is incomplete. */
  error?: string;
}

/** Keeps the snapshot a scheduled run stopped reading at its deadline, so the next invocation resumes it. */
export interface SnapshotStore {
  load(source: string): Promise<SourceSnapshot | undefined>;
  save(snapshot: SourceSnapshot): Promise<void>;
  clear(source: string): Promise<void>;
}

/** Has the reconcile function invoked again for a source soon (EventBridge Scheduler one-time schedule). */
export interface ResumeScheduler {
  resumeAt(source: string, at: Date): Promise<void>;
}
