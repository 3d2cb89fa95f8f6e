import type { UserChange } from "../model/change.ts";
import type { ChangeScheduler } from "../ports/change-scheduler.ts";
import type { DesiredPerson, DesiredState } from "./desired-state.ts";
import type { PersonRecord, ProviderState } from "./person-record.ts";
import type { PlannedOperation } from "./plan.ts";
import type { Provider } from "./ports.ts";

const dayMs = 86_400_000;

/** When the person became inactive (the stamp of the change that set `active` false), if they are. */
export function inactiveSince(desired: DesiredState): number | undefined {
  const slot = desired.attributes.active;
  return slot?.value === false ? slot.at : undefined;
}

/**
 * "Deactivate, then delete after N days": the delete that is due now at `provider`, if any. Only a user the
 * provider confirmed deactivated is deleted, and only while the person is still inactive, so a rehire in
 * the meantime simply keeps the account.
 */
export function dueDeletion(
  provider: Provider,
  record: PersonRecord,
  desired: DesiredPerson,
  now: number,
): PlannedOperation | undefined {
  const current = record.providers[provider.name];
  if (provider.deleteAfterDays === undefined || desired.deleted || desired.user.active !== false)
    return undefined;
  if (!current || current.deleted || current.unconfirmed || current.user.active !== false) return undefined;
  const since = inactiveSince(record.desired);
  if (since === undefined || since + provider.deleteAfterDays * dayMs > now) return undefined;
  return { op: "delete", person: record.person, current };
}

/**
 * The change that brings the person back to the sync step when their deletion falls due: it carries no
 * attributes (it changes nothing), it only makes the person be planned again. One per provider and person.
 */
export function deletionRecheck(
  provider: Provider,
  record: PersonRecord,
): { change: UserChange; at: Date } | undefined {
  const since = inactiveSince(record.desired);
  if (provider.deleteAfterDays === undefined || since === undefined) return undefined;
  const due = new Date(since + provider.deleteAfterDays * dayMs);
  return {
    change: {
      id: `delete-check:${provider.name}:${record.person}:${since}`.slice(0, 128),
      source: `leaver-policy:${provider.name}`,
      person: record.person,
      at: due.toISOString(),
      kind: "upsert",
      attributes: {},
    },
    at: due,
  };
}

/**
 * Makes sure every person this batch left deactivated at a provider with `deleteAfterDays` comes back
 * when the deletion falls due (scheduling the same slot again only moves it). Resolves with the persons
 * whose check could not be scheduled: their messages are retried, so no deletion is silently forgotten.
 */
export async function scheduleDeletionChecks(
  providers: readonly Provider[],
  records: ReadonlyMap<string, PersonRecord>,
  acknowledged: ReadonlyMap<string, ReadonlyMap<string, ProviderState>>,
  scheduler: ChangeScheduler | undefined,
  now: number,
): Promise<string[]> {
  const checks: { person: string; check: { change: UserChange; at: Date } }[] = [];
  for (const [person, record] of records) {
    for (const provider of providers) {
      const state = acknowledged.get(person)?.get(provider.name) ?? record.providers[provider.name];
      if (!state || state.deleted || state.user.active !== false) continue;
      const check = deletionRecheck(provider, record);
      if (check && check.at.getTime() > now) checks.push({ person, check });
    }
  }
  const failed = await Promise.all(
    checks.map(({ person, check }) =>
      scheduler
        ? scheduler.schedule(check.change, check.at).then(
            () => undefined,
            () => person,
          )
        : person,
    ),
  );
  return [...new Set(failed.filter((person): person is string => person !== undefined))];
}
