import { isDeepStrictEqual } from "node:util";
import type { LeaverPolicy } from "../../shared/config/common.ts";
import type { UserChange } from "../../shared/model/change.ts";
import type { CanonicalUser, ProfileAttribute } from "../../shared/model/user.ts";
import { profileAttributes } from "../../shared/model/user.ts";
import type { ReconcileProvider } from "../../shared/reconcile/plan.ts";
import type { ListedUser } from "../../shared/reconcile/ports.ts";
import type { DirectoryReader, SourceSnapshot } from "../../shared/sources/directory/reader.ts";
import { emptyDesiredState, type MergeableChange, mergeChange } from "../../shared/sync/desired-state.ts";
import type { PersonRecord, ProviderState } from "../../shared/sync/person-record.ts";

/** A provider that shows every attribute but `title` (as ZITADEL shows no metadata) and stores no empty text. */
export const testComparison = (
  leaverPolicy: LeaverPolicy = "deactivate",
): ReconcileProvider["comparison"] => ({
  leaverPolicy,
  visibleAttributes: profileAttributes.filter((name) => name !== "title"),
  project: (user: CanonicalUser) =>
    Object.fromEntries(
      Object.entries({ ...user, active: user.active !== false }).filter(([, value]) => value !== ""),
    ),
});

export const listed = (userId: string, user: CanonicalUser): ListedUser => {
  const visible: Record<string, unknown> = { ...user };
  delete visible.title;
  return {
    userId,
    loginIds: user.loginId ? [user.loginId] : [],
    ...(user.email ? { email: user.email } : {}),
    user: visible as CanonicalUser,
  };
};

export const snapshotOf = (
  changes: MergeableChange[],
  complete = true,
  fetchedAt = at(1000),
): SourceSnapshot => ({
  source: "hr",
  fetchedAt,
  complete,
  changes,
});

export const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

let sequence = 0;
/** An HR change stamped `atSeconds` after a fixed epoch. */
export function hrChange(
  person: string,
  atSeconds: number,
  attributes: MergeableChange["attributes"],
  kind: MergeableChange["kind"] = "upsert",
): MergeableChange {
  sequence += 1;
  return { id: `hr-${sequence}`, source: "hr", person, at: at(atSeconds), kind, attributes };
}

/** A person record whose desired state is `changes` merged and whose providers acknowledged `providers`. */
export function recordOf(
  person: string,
  changes: MergeableChange[],
  providers: Record<string, ProviderState> = {},
): PersonRecord {
  return { person, version: 0, desired: changes.reduce(mergeChange, emptyDesiredState()), providers };
}

/** A directory reader over fixed pages, as the HR readers page through a directory. */
export function pagedReader(source: string, pages: MergeableChange[][], failAt?: number): DirectoryReader {
  return {
    source,
    readPage: async (cursor, fetchedAt) => {
      const index = cursor === undefined ? 0 : Number(cursor);
      if (index === failAt) throw new Error("HR API unavailable");
      const changes = (pages[index] ?? []).map((change) => ({ ...change, at: fetchedAt }));
      return index + 1 < pages.length ? { changes, next: String(index + 1) } : { changes };
    },
  };
}

export const attributesOf = (names: readonly ProfileAttribute[]) => [...names].sort();
export const same = isDeepStrictEqual;

/** A change queue that keeps what it is sent. */
export function capturingQueue() {
  const sent: UserChange[] = [];
  return {
    sent,
    send: async (changes: readonly UserChange[]) => {
      sent.push(...changes);
      return [];
    },
  };
}
