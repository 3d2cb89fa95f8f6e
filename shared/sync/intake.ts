import type { PersonView } from "../model/person-view.ts";
import type { ChangeOrigin, Drafter, PersonIntake } from "../ports/person-intake.ts";
import {
  type DesiredState,
  type MergeableChange,
  materialize,
  mergeChange,
  type Stamp,
} from "./desired-state.ts";
import { desiredLoginId, type PersonRecord } from "./person-record.ts";
import type { ChangeQueue, Log, StateStore } from "./ports.ts";
import { newPersonRecord } from "./state-updates.ts";

const maxAttempts = 5;
/**
 * A claim whose holder does not hold the loginId is left to its request this long (longer than any ingest
 * request runs: API Gateway ends them at 30 s); after that it is stale (the request failed or crashed) and
 * another person may take it over.
 */
export const claimGraceMs = 60_000;

/**
 * The state behind a source's intake (see PersonIntake): person records merged with each accepted change,
 * written conditionally, then queued. The sync worker merges the same change again, a no-op since the merge
 * is idempotent.
 */
export class StateIntake implements PersonIntake {
  readonly #store: StateStore;
  readonly #queue: ChangeQueue;
  readonly #log: Log;

  constructor(store: StateStore, queue: ChangeQueue, log: Log) {
    this.#store = store;
    this.#queue = queue;
    this.#log = log;
  }

  async get(persons: readonly string[]): Promise<Map<string, PersonView>> {
    const records = await this.#store.get(persons);
    return new Map([...records].map(([person, record]) => [person, personView(record)]));
  }

  async findByLoginId(loginId: string): Promise<PersonView[]> {
    return (await this.#store.findByLoginId(loginId)).map(personView);
  }

  async list(options: { limit: number; after?: string }) {
    const { records, next } = await this.#store.list(options);
    return { persons: records.map(personView), ...(next === undefined ? {} : { next }) };
  }

  /**
   * A change is computed from the record it is merged into, so a concurrent write makes it be computed again
   * rather than overwritten. A request carries no source time, so a change is stamped with the later of its
   * arrival and just after the newest write it was computed from: a client's next request is causally after
   * the answer it read and must win, even within the same millisecond (Entra's create-then-patch, a bulk's
   * steps). When the queue refuses a change, its write is undone unless someone wrote the person since
   * (their own change then carries the whole desired state to the providers).
   */
  async accept(persons: readonly string[], draft: Drafter, origin: ChangeOrigin) {
    const results = new Map<string, PersonView>();
    const changes = new Map<string, { change: MergeableChange; before: PersonRecord }>();
    let pending = [...new Set(persons)];
    for (let attempt = 0; attempt < maxAttempts && pending.length > 0; attempt += 1) {
      const current = await this.#store.get(pending);
      const outcomes = await Promise.all(
        pending.map(async (person) => {
          const record = current.get(person) ?? newPersonRecord(person);
          const drafted = draft(personView(record));
          if (!drafted) {
            results.set(person, personView(record));
            return undefined;
          }
          const change: MergeableChange = {
            id: origin.newChangeId(),
            source: origin.source,
            person,
            at: causalTime(record.desired, origin.receivedAt),
            ...drafted,
          };
          const next = { ...record, desired: mergeChange(record.desired, change) };
          if (!(await this.#store.put(next))) return person;
          results.set(person, personView(next));
          changes.set(person, { change, before: record });
          return undefined;
        }),
      );
      pending = outcomes.filter((person): person is string => person !== undefined);
    }
    const failed = await this.#enqueue([...changes.values()], origin.source);
    return { persons: results, recorded: pending.length === 0 && failed === 0 };
  }

  /** Queues the changes; undoes the write of each one the queue refused. Resolves with how many it refused. */
  async #enqueue(
    entries: readonly { change: MergeableChange; before: PersonRecord }[],
    source: string,
  ): Promise<number> {
    if (entries.length === 0) return 0;
    const failed = new Set(await this.#queue.send(entries.map((entry) => entry.change)));
    if (failed.size === 0) return 0;
    const undo = entries.filter((entry) => failed.has(entry.change.id));
    await Promise.all(
      undo.map(({ before }) =>
        this.#store.put({ ...before, version: before.version + 1 }).catch(() => false),
      ),
    );
    this.#log.error("accepted changes could not be queued", { source, count: failed.size });
    return failed.size;
  }

  /**
   * Another live person whose loginId it is, found by the index, blocks the reservation. Otherwise the claim
   * decides: one conditional write, so of persons racing for a loginId exactly one gets it. A claim whose
   * holder does not hold the loginId (their request failed, or they were renamed elsewhere) is taken over
   * once it is older than claimGraceMs.
   */
  async reserveLoginId(loginId: string, person: string, nowMs: number): Promise<string | undefined> {
    const holder = (await this.findByLoginId(loginId)).find(
      (view) => view.person !== person && !view.deleted,
    );
    if (holder) return holder.person;
    const claim = await this.#store.claimLoginId(loginId, person, nowMs);
    if (claim.person === person) return undefined;
    const other = (await this.#store.get([claim.person])).get(claim.person);
    const holds =
      other !== undefined &&
      !materialize(other.desired).deleted &&
      desiredLoginId(other)?.toLowerCase() === loginId.toLowerCase();
    if (holds || nowMs - claim.at < claimGraceMs) return claim.person;
    return (await this.#store.takeOverLoginId(loginId, claim, person, nowMs)) ? undefined : claim.person;
  }

  async releaseLoginId(loginId: string, person: string): Promise<void> {
    await this.#store.releaseLoginId(loginId, person);
  }
}

/** A record as a source reads it: the merged person, and when it was written. */
export function personView(record: PersonRecord): PersonView {
  const { user, deleted } = materialize(record.desired);
  const range = stampRange(record.desired);
  return { person: record.person, user, deleted, ...(range ? { written: range } : {}) };
}

/** The times (epoch ms) of the oldest and newest write recorded in a desired state. */
function stampRange(state: DesiredState): { first: number; last: number } | undefined {
  const stamps: Stamp[] = [...Object.values(state.attributes)];
  for (const map of Object.values(state.maps)) {
    if (map.cleared) stamps.push(map.cleared);
    stamps.push(...Object.values(map.entries));
  }
  if (state.deleted) stamps.push(state.deleted);
  if (stamps.length === 0) return undefined;
  const times = stamps.map((stamp) => stamp.at);
  return { first: Math.min(...times), last: Math.max(...times) };
}

function causalTime(state: DesiredState, receivedAt: number): string {
  const newest = stampRange(state)?.last ?? Number.NEGATIVE_INFINITY;
  return new Date(Math.max(receivedAt, newest + 1)).toISOString();
}
