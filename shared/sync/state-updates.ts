import { emptyDesiredState } from "./desired-state.ts";
import type { PersonRecord } from "./person-record.ts";
import type { StateStore } from "./ports.ts";

const maxAttempts = 5;

export const newPersonRecord = (person: string): PersonRecord => ({
  person,
  version: 0,
  desired: emptyDesiredState(),
  providers: {},
});

/**
 * Applies `update` to each person's record and writes it conditionally; a person someone else wrote in
 * between is re-read and updated again. Resolves with the records written, and the persons that still
 * conflicted after every attempt (their work must be retried later).
 */
export async function updateRecords(
  store: StateStore,
  persons: readonly string[],
  update: (record: PersonRecord) => PersonRecord,
): Promise<{ written: Map<string, PersonRecord>; conflicted: string[] }> {
  const written = new Map<string, PersonRecord>();
  let pending = [...persons];
  for (let attempt = 0; attempt < maxAttempts && pending.length > 0; attempt += 1) {
    const current = await store.get(pending);
    const results = await Promise.all(
      pending.map(async (person) => {
        const record = update(current.get(person) ?? newPersonRecord(person));
        const ok = await store.put(record);
        if (ok) written.set(person, { ...record, version: record.version + 1 });
        return ok ? undefined : person;
      }),
    );
    pending = results.filter((person): person is string => person !== undefined);
  }
  return { written, conflicted: pending };
}
