import type { RoleRules } from "../config/role-rules.ts";
import { systemClock } from "../http/token-bucket.ts";
import type { PhoneRegion } from "../model/phone.ts";
import type { ChangeScheduler } from "../ports/change-scheduler.ts";
import type { DirectoryReader, SourceSnapshot } from "../sources/directory/reader.ts";
import { readSnapshot } from "../sources/directory/snapshot.ts";
import type { PersonRecord } from "../sync/person-record.ts";
import type { ChangeQueue, Log, StateStore } from "../sync/ports.ts";
import { type AppliedPlan, applyPlan } from "./apply.ts";
import { type ReconcilePlan, reconcilePlan } from "./plan.ts";
import type { ProviderDirectory } from "./ports.ts";
import { readListing } from "./read.ts";

/** What a run reports as it goes: pages read (source, providers, state) and people planned. */
export type ReconcileProgress = (event: { phase: string; items: number }) => void;

export interface ReconcileDeps {
  sources: readonly DirectoryReader[];
  directories: readonly ProviderDirectory[];
  store: StateStore;
  queue: ChangeQueue;
  log: Log;
  roleRules?: RoleRules;
  phoneDefaultRegion?: PhoneRegion;
  /** Sources whose absent people are not leavers (another source provisions people too). */
  withoutLeavers?: readonly string[];
  /** Holds leavers whose leaving date is ahead until then (EventBridge Scheduler; a timer locally). */
  scheduler?: ChangeScheduler;
  now?: () => number;
  progress?: ReconcileProgress;
}

export interface ReconcileArgs {
  /** The source to read; may be left out when exactly one is configured. */
  source?: string;
  /** Only this provider (default: every provider). */
  provider?: string;
  /** Plan only: nothing is written or sent. */
  dryRun?: boolean;
  /** Epoch ms after which no page of the source is read: the run stops, resumable (a partial result). */
  readUntil?: number;
  /** Epoch ms after which no provider page is read: a listing cut short plans nothing for its provider. */
  deadline?: number;
  /** A snapshot an earlier invocation stopped reading at its deadline: the read resumes from its cursor. */
  resume?: SourceSnapshot;
}

export type ReconcileResult =
  | { status: "planned"; plan: ReconcilePlan; applied?: AppliedPlan }
  /** The read stopped at the deadline: nothing planned yet; the snapshot so far, with where to resume. */
  | { status: "partial"; snapshot: SourceSnapshot };

/**
 * One reconcile run of one source against the providers: reads the source's directory, every provider's
 * users and the state, plans, and (unless a dry run) applies the plan through the normal queue.
 */
export async function runReconcile(deps: ReconcileDeps, args: ReconcileArgs): Promise<ReconcileResult> {
  const reader = pickSource(deps.sources, args.source);
  const directories = deps.directories.filter(
    (directory) => !args.provider || directory.provider === args.provider,
  );
  if (args.provider && directories.length === 0) throw new Error(`no provider named "${args.provider}"`);
  const now = deps.now ?? Date.now;
  const onPage = (phase: string) => (items: number) => deps.progress?.({ phase, items });
  const listingDeadline = args.deadline === undefined ? {} : { deadline: args.deadline };

  const snapshot = await readDirectory(reader, deps, args);
  // Only a run with a read deadline resumes later; any other plans what it read (incomplete: no leavers).
  if (args.readUntil !== undefined && snapshot.resumeCursor !== undefined)
    return { status: "partial", snapshot };

  const listings = await Promise.all(
    directories.map((directory) =>
      readListing(directory, { log: deps.log, now, ...listingDeadline, onPage: onPage(directory.provider) }),
    ),
  );
  const records = await readAllRecords(deps.store, onPage("state"));
  const plan = reconcilePlan({
    snapshot,
    records,
    providers: directories.map((directory, index) => ({
      comparison: directory,
      listing: listings[index] as (typeof listings)[number],
    })),
    ...(deps.roleRules ? { roleRules: deps.roleRules } : {}),
    ...(deps.phoneDefaultRegion ? { phoneDefaultRegion: deps.phoneDefaultRegion } : {}),
    leavers: !deps.withoutLeavers?.includes(reader.source),
  });
  deps.progress?.({ phase: "planned", items: records.size + snapshot.changes.length });
  if (args.dryRun) return { status: "planned", plan };
  return { status: "planned", plan, applied: await applyPlan(plan, deps) };
}

/** Reads the source (on from where `resume` stopped, adding to what it read), page by page, with retries. */
async function readDirectory(reader: DirectoryReader, deps: ReconcileDeps, args: ReconcileArgs) {
  const now = deps.now ?? Date.now;
  let pages = 0;
  const read = await readSnapshot(reader, {
    fetchedAt: args.resume?.fetchedAt ?? new Date(now()).toISOString(),
    cursor: args.resume?.resumeCursor,
    deadline: args.readUntil,
    clock: { now, sleep: systemClock.sleep },
    onPage: ({ people }) => {
      deps.progress?.({ phase: `source ${reader.source}`, items: people - pages });
      pages = people;
    },
  });
  const before = args.resume;
  return before
    ? {
        ...read,
        changes: [...before.changes, ...read.changes],
        held: [...(before.held ?? []), ...(read.held ?? [])],
        problems: [...(before.problems ?? []), ...(read.problems ?? [])],
      }
    : read;
}

function pickSource(sources: readonly DirectoryReader[], name: string | undefined): DirectoryReader {
  if (name !== undefined) {
    const found = sources.find((source) => source.source === name);
    if (!found) throw new Error(`no directory source named "${name}"`);
    return found;
  }
  if (sources.length !== 1)
    throw new Error(
      sources.length === 0
        ? "no directory source is configured"
        : `several directory sources are configured: name one with --source (${sources.map((source) => source.source).join(", ")})`,
    );
  return sources[0] as DirectoryReader;
}

const statePageSize = 500;

async function readAllRecords(store: StateStore, onPage: (items: number) => void) {
  const records = new Map<string, PersonRecord>();
  let after: string | undefined;
  do {
    const page = await store.list({ limit: statePageSize, ...(after === undefined ? {} : { after }) });
    for (const record of page.records) records.set(record.person, record);
    onPage(page.records.length);
    after = page.next;
  } while (after !== undefined);
  return records;
}
