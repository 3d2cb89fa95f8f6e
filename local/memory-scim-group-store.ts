import type { ScimGroup, ScimGroupStore, ScimGroupSummary } from "../shared/sources/scim/group-store.ts";

/** The SCIM group store of the local runtime and of tests: same contract as the DynamoDB one, in memory. */
export class MemoryScimGroupStore implements ScimGroupStore {
  readonly #groups = new Map<string, string>();

  async list(source: string): Promise<ScimGroupSummary[]> {
    return this.all()
      .filter((group) => group.source === source)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(({ members: _members, ...summary }) => summary);
  }

  async get(source: string, ids: readonly string[]): Promise<Map<string, ScimGroup>> {
    const found = new Map<string, ScimGroup>();
    for (const id of ids) {
      const stored = this.#groups.get(key(source, id));
      if (stored !== undefined) found.set(id, JSON.parse(stored) as ScimGroup);
    }
    return found;
  }

  async put(group: ScimGroup): Promise<boolean> {
    const stored = this.#groups.get(key(group.source, group.id));
    const storedVersion = stored === undefined ? 0 : (JSON.parse(stored) as ScimGroup).version;
    if (storedVersion !== group.version) return false;
    // Kept as JSON so that callers can never change what the store holds, as with a real database.
    this.#groups.set(key(group.source, group.id), JSON.stringify({ ...group, version: group.version + 1 }));
    return true;
  }

  async delete(source: string, id: string): Promise<void> {
    this.#groups.delete(key(source, id));
  }

  /** Every group of every source, for tests and the local operator view. */
  all(): ScimGroup[] {
    return [...this.#groups.values()].map((stored) => JSON.parse(stored) as ScimGroup);
  }
}

const key = (source: string, id: string) => JSON.stringify([source, id]);
