import type { AuditEntry } from "../shared/sync/audit-entry.ts";
import type { AuditTrail } from "../shared/sync/ports.ts";

const dayMs = 86_400_000;

/** The audit trail of the local runtime and of tests: same contract as the DynamoDB one, kept in memory. */
export class MemoryAuditTrail implements AuditTrail {
  #entries: AuditEntry[] = [];
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(options: { retentionDays: number; now?: () => number }) {
    this.#retentionMs = options.retentionDays * dayMs;
    this.#now = options.now ?? Date.now;
  }

  async record(entries: readonly AuditEntry[]): Promise<void> {
    this.#entries = [...this.#kept(), ...entries.map((entry) => structuredClone(entry))];
  }

  async forPerson(person: string): Promise<AuditEntry[]> {
    return this.#kept()
      .filter((entry) => entry.person === person)
      .sort((a, b) => a.at.localeCompare(b.at))
      .map((entry) => structuredClone(entry));
  }

  async personOfChange(changeId: string): Promise<string | undefined> {
    return this.#kept().find((entry) => entry.changes.includes(changeId))?.person;
  }

  #kept(): AuditEntry[] {
    const oldest = this.#now() - this.#retentionMs;
    return this.#entries.filter((entry) => Date.parse(entry.at) > oldest);
  }
}
