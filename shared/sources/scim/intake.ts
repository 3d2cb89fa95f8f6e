import type { ChangeAttributes } from "../../model/change.ts";
import { type MergeableChange, mergeChange } from "../../sync/desired-state.ts";
import type { PersonRecord } from "../../sync/person-record.ts";
import { newPersonRecord } from "../../sync/state-updates.ts";
import type { ScimContext } from "./context.ts";
import { ScimError } from "./errors.ts";
import { stampRange } from "./stamps.ts";

/** A change before it is stamped. */
export interface ChangeDraft {
  kind: "upsert" | "delete";
  attributes: ChangeAttributes;
}

/**
 * Computes a person's change from their current record; undefined when nothing changes. It may throw a
 * ScimError (a precondition the record fails). It runs again on the fresh record after a concurrent write.
 */
export type Drafter = (record: PersonRecord) => ChangeDraft | undefined;

const maxAttempts = 5;

/**
 * Read-your-writes: merges each person's change into their record (a conditional write on the version read)
 * before queueing it, so that the next GET answers with what was accepted; the sync worker merges it again,
 * a no-op since the merge is idempotent. A change is computed from the record it is merged into, so a
 * concurrent write makes it be computed again rather than overwritten.
 *
 * A SCIM request carries no source time, so a change is stamped with the later of its arrival and just
 * after the newest write it was computed from: a client's next request is causally after the answer it
 * read and must win, even within the same millisecond (Entra's create-then-patch, a bulk's steps).
 *
 * Resolves with the record of each person as written (or as read, when their drafter changed nothing).
 * When the queue refuses a change, its write is undone unless someone wrote the person since (their own
 * change then carries the whole desired state to the providers), and the request answers 503.
 */
export async function acceptChanges(
  context: ScimContext,
  persons: readonly string[],
  draft: Drafter,
): Promise<Map<string, PersonRecord>> {
  const results = new Map<string, PersonRecord>();
  const changes = new Map<string, { change: MergeableChange; before: PersonRecord }>();
  let pending = [...new Set(persons)];
  for (let attempt = 0; attempt < maxAttempts && pending.length > 0; attempt += 1) {
    const current = await context.store.get(pending);
    const outcomes = await Promise.all(
      pending.map(async (person) => {
        const record = current.get(person) ?? newPersonRecord(person);
        const drafted = draft(record);
        if (!drafted) {
          results.set(person, record);
          return undefined;
        }
        const change: MergeableChange = {
          id: context.newChangeId(),
          source: context.source.name,
          person,
          at: causalTime(record, context.receivedAt),
          ...drafted,
        };
        const next = { ...record, desired: mergeChange(record.desired, change) };
        if (!(await context.store.put(next))) return person;
        results.set(person, { ...next, version: next.version + 1 });
        changes.set(person, { change, before: record });
        return undefined;
      }),
    );
    pending = outcomes.filter((person): person is string => person !== undefined);
  }
  const accepted = [...changes.values()].map((entry) => entry.change);
  const failed = new Set(accepted.length > 0 ? await context.queue.send(accepted) : []);
  if (failed.size > 0) {
    const undo = [...changes.values()].filter((entry) => failed.has(entry.change.id));
    await Promise.all(
      undo.map(({ before }) =>
        context.store.put({ ...before, version: before.version + 1 }).catch(() => false),
      ),
    );
    context.log.error("SCIM changes could not be queued", {
      source: context.source.name,
      count: failed.size,
    });
  }
  if (pending.length > 0 || failed.size > 0)
    throw new ScimError(503, "the change could not be recorded now; retry the request");
  return results;
}

function causalTime(record: PersonRecord, receivedAt: number): string {
  const newest = stampRange(record.desired)?.newest ?? Number.NEGATIVE_INFINITY;
  return new Date(Math.max(receivedAt, newest + 1)).toISOString();
}
