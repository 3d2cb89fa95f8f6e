import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { redactLogValue } from "../logging/redact.ts";
import type { AuditEntry } from "../sync/audit-entry.ts";
import { materialize } from "../sync/desired-state.ts";
import type { PersonRecord } from "../sync/person-record.ts";
import type { OperatorDeps, ScheduledChange } from "./operator-deps.ts";

export const statusArgsSchema = z.strictObject({
  /** A person key, a loginId, or a change id. */
  id: z.string().check(z.minLength(1)),
  /** Days of the audit trail to show. */
  days: z._default(z.int().check(z.minimum(1), z.maximum(3650)), 30),
});
export type StatusArgs = z.input<typeof statusArgsSchema>;

export interface ProviderStatus {
  provider: string;
  userId?: string;
  /** False while what the provider holds is not known for sure (see person-record.ts): the next sync checks. */
  confirmed: boolean;
  deleted: boolean;
  /** What the provider last acknowledged, redacted as in logs. */
  user: Record<string, unknown>;
}

export interface PersonStatus {
  person: string;
  /** The merged desired state, redacted as in logs. */
  desired: { user: Record<string, unknown>; deleted: boolean };
  providers: ProviderStatus[];
  /** Pending future-dated changes; null where they cannot be looked up. */
  scheduled: ScheduledChange[] | null;
  held: { provider: string; op: string; heldAt: string; approved: boolean; changes: number }[];
  deadLetters: AuditEntry[];
  audit: AuditEntry[];
}

/** Where one change stands at each provider, from the audit trail. */
export interface ChangeStatus {
  id: string;
  providers: {
    provider: string;
    applied: boolean;
    at?: string;
    last: Pick<AuditEntry, "outcome" | "at" | "reason">;
  }[];
  deadLettered?: Pick<AuditEntry, "at" | "reason">;
}

export type StatusResult =
  | { found: true; via: "person" | "loginId" | "change"; person: PersonStatus; change?: ChangeStatus }
  | { found: false; id: string; message: string };

/**
 * `npm run status`: everything idp-sync knows about a person, found by person key, loginId or change id;
 * for a change id also where that change stands at each provider.
 */
export async function status(deps: OperatorDeps, input: StatusArgs): Promise<StatusResult> {
  const { id, days } = statusArgsSchema.parse(input);
  const found = await findPerson(deps, id);
  if ("message" in found) return { found: false, id, message: found.message };
  const person = await personStatus(deps, found.record, days);
  if (found.via !== "change") return { found: true, via: found.via, person };
  return { found: true, via: "change", person, change: changeStatus(id, person.audit) };
}

async function findPerson(
  deps: OperatorDeps,
  id: string,
): Promise<{ record: PersonRecord; via: "person" | "loginId" | "change" } | { message: string }> {
  const byKey = (await deps.store.get([id])).get(id);
  if (byKey) return { record: byKey, via: "person" };
  const owner = await deps.audit.personOfChange(id);
  const byChange = owner === undefined ? undefined : (await deps.store.get([owner])).get(owner);
  if (byChange) return { record: byChange, via: "change" };
  const byLoginId = await deps.store.findByLoginId(id);
  const [only] = byLoginId;
  if (only && byLoginId.length === 1) return { record: only, via: "loginId" };
  if (byLoginId.length > 1) {
    const persons = byLoginId.map((record) => record.person).sort();
    return {
      message: `The loginId "${id}" belongs to ${persons.length} persons: ${persons.join(", ")}. Ask for one of them.`,
    };
  }
  return {
    message: `No person, loginId or change "${id}" is known (changes are known for as long as the audit trail keeps them).`,
  };
}

async function personStatus(deps: OperatorDeps, record: PersonRecord, days: number): Promise<PersonStatus> {
  const oldest = new Date((deps.now ?? Date.now)() - days * 86_400_000).toISOString();
  const providers = Object.keys(record.providers).sort();
  const [held, trail, scheduled] = await Promise.all([
    Promise.all(
      providers.map(async (provider) => (await deps.holds.get(provider, [record.person])).get(record.person)),
    ),
    deps.audit.forPerson(record.person),
    deps.scheduledFor ? deps.scheduledFor(record.person) : Promise.resolve(null),
  ]);
  const audit = trail.filter((entry) => entry.at > oldest);
  return {
    person: record.person,
    desired: redacted(materialize(record.desired)),
    providers: providers.map((provider) => {
      const state = record.providers[provider];
      return {
        provider,
        ...(state?.userId === undefined ? {} : { userId: state.userId }),
        confirmed: state?.unconfirmed !== true,
        deleted: state?.deleted === true,
        user: redacted(state?.user ?? {}),
      };
    }),
    scheduled,
    held: held.flatMap((leaver) =>
      leaver
        ? [
            {
              provider: leaver.provider,
              op: leaver.op,
              heldAt: leaver.heldAt,
              approved: leaver.approved === true,
              changes: leaver.changes.length,
            },
          ]
        : [],
    ),
    deadLetters: audit.filter((entry) => entry.outcome === "dead-lettered"),
    audit,
  };
}

function changeStatus(id: string, audit: readonly AuditEntry[]): ChangeStatus {
  const entries = audit.filter((entry) => entry.changes.includes(id));
  const byProvider = new Map<string, AuditEntry[]>();
  for (const entry of entries)
    if (entry.provider) byProvider.set(entry.provider, [...(byProvider.get(entry.provider) ?? []), entry]);
  const letter = entries.findLast((entry) => entry.outcome === "dead-lettered");
  return {
    id,
    providers: [...byProvider]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([provider, seen]) => {
        // In step: the provider already held what the change asks for, so it needed no call.
        const applied = seen.find((entry) => entry.outcome === "applied" || entry.outcome === "in-step");
        const last = seen.at(-1) as AuditEntry;
        return {
          provider,
          applied: applied !== undefined,
          ...(applied ? { at: applied.at } : {}),
          last: { outcome: last.outcome, at: last.at, ...(last.reason ? { reason: last.reason } : {}) },
        };
      }),
    ...(letter
      ? { deadLettered: { at: letter.at, ...(letter.reason ? { reason: letter.reason } : {}) } }
      : {}),
  };
}

/**
 * A user as the logs show it: e-mail addresses and phone numbers masked, secrets never. Only the users:
 * keys and provider ids stay as they are (an 18-digit ZITADEL id would pass for a phone number).
 */
const redacted = <T>(value: T): T => JSON.parse(JSON.stringify(value, redactLogValue)) as T;
