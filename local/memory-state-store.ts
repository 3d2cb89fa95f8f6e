import type { PersonRecord } from "../shared/sync/person-record.ts";
import { desiredLoginId } from "../shared/sync/person-record.ts";
import type { LoginIdClaim, StateStore } from "../shared/sync/ports.ts";
import { presenceDelta, presentAt } from "../shared/sync/provider-presence.ts";

/** The state store of the local runtime and of tests: same contract as the DynamoDB store, kept in memory. */
export class MemoryStateStore implements StateStore {
  readonly #records = new Map<string, string>();
  /** Users per provider, kept up to date on every write as the DynamoDB store keeps its counters. */
  readonly #users = new Map<string, number>();
  /** loginId claims by lower-cased loginId; each operation on them is atomic, as one conditional write. */
  readonly #claims = new Map<string, LoginIdClaim>();

  async get(persons: readonly string[]): Promise<Map<string, PersonRecord>> {
    const found = new Map<string, PersonRecord>();
    for (const person of persons) {
      const stored = this.#records.get(person);
      if (stored !== undefined) found.set(person, JSON.parse(stored) as PersonRecord);
    }
    return found;
  }

  async put(record: PersonRecord): Promise<boolean> {
    const stored = this.#records.get(record.person);
    const previous = stored === undefined ? undefined : (JSON.parse(stored) as PersonRecord);
    if ((previous?.version ?? 0) !== record.version) return false;
    for (const [provider, delta] of presenceDelta(presentAt(previous), presentAt(record)))
      this.#users.set(provider, (this.#users.get(provider) ?? 0) + delta);
    // Stored as JSON so callers can never mutate what the store holds, as with a real database.
    this.#records.set(record.person, JSON.stringify({ ...record, version: record.version + 1 }));
    return true;
  }

  async findByLoginId(loginId: string): Promise<PersonRecord[]> {
    const wanted = loginId.toLowerCase();
    return this.all().filter((record) => desiredLoginId(record)?.toLowerCase() === wanted);
  }

  async list(options: {
    limit: number;
    after?: string;
  }): Promise<{ records: PersonRecord[]; next?: string }> {
    const keys = [...this.#records.keys()].sort();
    const start = options.after === undefined ? 0 : keys.findIndex((key) => key > (options.after as string));
    const page = start < 0 ? [] : keys.slice(start, start + options.limit);
    const records = (await this.get(page)).values();
    const last = page.at(-1);
    const more = start >= 0 && start + options.limit < keys.length;
    return { records: [...records], ...(more && last !== undefined ? { next: last } : {}) };
  }

  async countUsers(provider: string): Promise<number> {
    return this.#users.get(provider) ?? 0;
  }

  async claimLoginId(loginId: string, person: string, nowMs: number): Promise<LoginIdClaim> {
    const key = loginId.toLowerCase();
    const held = this.#claims.get(key);
    if (held && held.person !== person) return { ...held };
    this.#claims.set(key, { person, at: nowMs });
    return { person, at: nowMs };
  }

  async takeOverLoginId(loginId: string, from: LoginIdClaim, person: string, nowMs: number) {
    const key = loginId.toLowerCase();
    const held = this.#claims.get(key);
    if (held?.person !== from.person || held.at !== from.at) return false;
    this.#claims.set(key, { person, at: nowMs });
    return true;
  }

  async releaseLoginId(loginId: string, person: string): Promise<void> {
    const key = loginId.toLowerCase();
    if (this.#claims.get(key)?.person === person) this.#claims.delete(key);
  }

  /** The holder of every loginId claim (lower-cased loginId → person), for tests. */
  claims(): Map<string, string> {
    return new Map([...this.#claims].map(([loginId, claim]) => [loginId, claim.person]));
  }

  /** Every record, for tests and the local operator view. */
  all(): PersonRecord[] {
    return [...this.#records.values()].map((stored) => JSON.parse(stored) as PersonRecord);
  }
}
