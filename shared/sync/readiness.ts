import type { UserChange } from "../model/change.ts";
import { type PhoneRegion, toE164 } from "../model/phone.ts";
import type { DesiredPerson } from "./desired-state.ts";
import type { PersonRecord, ProviderState } from "./person-record.ts";
import type { PlannedOperation } from "./plan.ts";
import type { Provider } from "./ports.ts";

/** The desired person as providers receive it: the phone in E.164, or why that number cannot be sent. */
export type PreparedPerson = DesiredPerson & { invalidPhone?: string };

export function preparePhone(desired: DesiredPerson, region: PhoneRegion | undefined): PreparedPerson {
  const { phone } = desired.user;
  if (phone === undefined) return desired;
  const normalised = toE164(phone, region);
  return "phone" in normalised
    ? { ...desired, user: { ...desired.user, phone: normalised.phone } }
    : { ...desired, invalidPhone: normalised.invalid };
}

/**
 * For a user the provider already holds, an unreadable number changes nothing there: the provider keeps
 * the number it has, and every other change (a leaver, a new name) still applies. The change that set the
 * number is dead-lettered with the reason.
 */
export function withoutUnreadablePhone(
  prepared: PreparedPerson,
  current: ProviderState | undefined,
): PreparedPerson {
  if (prepared.invalidPhone === undefined || !current || current.deleted) return prepared;
  const { phone: _unreadable, ...user } = prepared.user;
  const kept = current.user.phone;
  return { user: kept === undefined ? user : { ...user, phone: kept }, deleted: prepared.deleted };
}

/** Whether a planned operation may go to its provider now, must wait for data (no call), or never can. */
export type Readiness = { send: true } | { wait: string } | { reject: string };

export interface ReadinessContext {
  provider: Provider;
  prepared: PreparedPerson;
  /** Since when (epoch ms) the person has been waiting for data some provider needs to create them. */
  waitingSince: number | undefined;
  now: number;
  /** How long a person may wait for that data before their changes are dead-lettered. */
  maxWaitMs: number;
}

/**
 * A create the provider cannot make yet (no e-mail or name so far) waits in the desired state: the data
 * usually follows in a later change, which then creates the user. Only a person still incomplete after
 * `maxWaitMs` is rejected (dead-lettered with the reason). A create carrying a phone number that cannot be
 * read is rejected: the number is never sent.
 */
export function readiness(operation: PlannedOperation, context: ReadinessContext): Readiness {
  const { provider, prepared, waitingSince, now, maxWaitMs } = context;
  if (prepared.invalidPhone !== undefined && operation.op === "create" && operation.user.phone !== undefined)
    return { reject: prepared.invalidPhone };
  if (operation.op !== "create") return { send: true };
  const missing = provider.missingForCreate?.(operation.user);
  if (missing === undefined) return { send: true };
  const since = waitingSince ?? now;
  if (now - since < maxWaitMs) return { wait: missing };
  return {
    reject: `still not creatable ${Math.round((now - since) / 3_600_000)} h after it was first seen: ${missing}`,
  };
}

/**
 * The change that brings a waiting person back when their wait runs out, so that someone whose data never
 * arrives is dead-lettered with the reason rather than forgotten. It carries no attributes.
 */
export function incompleteRecheck(
  record: PersonRecord,
  maxWaitMs: number,
): { change: UserChange; at: Date } | undefined {
  if (record.waitingSince === undefined) return undefined;
  const due = new Date(record.waitingSince + maxWaitMs);
  return {
    change: {
      id: `incomplete-check:${record.person}:${record.waitingSince}`.slice(0, 128),
      source: "incomplete-check",
      person: record.person,
      at: due.toISOString(),
      kind: "upsert",
      attributes: {},
    },
    at: due,
  };
}
