import * as z from "zod/mini";
import "../model/schema-messages.ts";
import type { ChangeAttributes, MergeableChange } from "../model/change.ts";
import {
  type CanonicalUser,
  isMapAttribute,
  type MapAttribute,
  mapAttributes,
  profileAttributes,
} from "../model/user.ts";

/** Orders writes to one attribute: source time first, change id breaks ties so every replica agrees. */
export const stampSchema = z.object({ at: z.number(), change: z.string() });
export type Stamp = z.infer<typeof stampSchema>;

const slotSchema = z.extend(stampSchema, { value: z.unknown() });
type Slot = z.infer<typeof slotSchema>;

export const desiredStateSchema = z.object({
  /** Scalar and list attributes; a slot whose value is null records a removal. */
  attributes: z.record(z.string(), slotSchema),
  /** Map attributes merge key by key; `cleared` removes every key written before it. */
  maps: z.record(
    z.string(),
    z.object({ cleared: z.optional(stampSchema), entries: z.record(z.string(), slotSchema) }),
  ),
  deleted: z.optional(slotSchema),
});
export type DesiredState = z.infer<typeof desiredStateSchema>;

export const emptyDesiredState = (): DesiredState => ({ attributes: {}, maps: {} });

export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.change === b.change) return 0;
  return a.change < b.change ? -1 : 1;
}

const newer = <T extends Stamp>(current: T | undefined, candidate: T): T =>
  current === undefined || compareStamps(candidate, current) > 0 ? candidate : current;

export type { MergeableChange };

const scalarAttributes = profileAttributes.filter((name) => !isMapAttribute(name));

/**
 * Per-attribute last-writer-wins merge. Commutative, associative and idempotent, so redelivered,
 * duplicated and reordered changes converge to the same state.
 */
export function mergeChange(state: DesiredState, change: MergeableChange): DesiredState {
  const stamp: Stamp = { at: Date.parse(change.at), change: change.id };
  const next: DesiredState = {
    attributes: { ...state.attributes },
    maps: { ...state.maps },
    ...(state.deleted ? { deleted: state.deleted } : {}),
  };
  const write = (name: string, value: unknown) => {
    next.attributes[name] = newer(next.attributes[name], { ...stamp, value });
  };
  const setDeleted = (value: boolean) => {
    next.deleted = newer(next.deleted, { ...stamp, value });
  };

  switch (change.kind) {
    case "deactivate":
      write("active", false);
      return next;
    case "reactivate":
      write("active", true);
      setDeleted(false);
      return next;
    case "delete":
      setDeleted(true);
      return next;
    case "upsert":
    case "replace":
      writeProfile(next, change.attributes, stamp, change.kind === "replace", write);
      setDeleted(false);
      return next;
  }
}

function writeProfile(
  next: DesiredState,
  attributes: ChangeAttributes,
  stamp: Stamp,
  replaceAll: boolean,
  write: (name: string, value: unknown) => void,
) {
  for (const name of scalarAttributes) {
    const value = attributes[name];
    if (value !== undefined) write(name, value);
    // `active` is lifecycle, not profile: a full replacement that omits it must not re-enable or disable anyone.
    else if (replaceAll && name !== "active") write(name, null);
  }
  for (const name of mapAttributes) {
    const value = attributes[name];
    if (value === null || replaceAll) clearMap(next, name, stamp);
    if (value) writeMapEntries(next, name, value, stamp);
  }
}

function mapState(next: DesiredState, name: MapAttribute) {
  const current = next.maps[name] ?? { entries: {} };
  const copy = { ...current, entries: { ...current.entries } };
  next.maps[name] = copy;
  return copy;
}

function clearMap(next: DesiredState, name: MapAttribute, stamp: Stamp) {
  const map = mapState(next, name);
  map.cleared = newer(map.cleared, { at: stamp.at, change: stamp.change });
}

function writeMapEntries(
  next: DesiredState,
  name: MapAttribute,
  entries: Record<string, unknown>,
  stamp: Stamp,
) {
  const map = mapState(next, name);
  for (const [key, value] of Object.entries(entries)) {
    map.entries[key] = newer(map.entries[key], { ...stamp, value });
  }
}

export interface DesiredPerson {
  user: CanonicalUser;
  deleted: boolean;
}

/** The person as the merged changes describe them, in a normal form that compares structurally. */
export function materialize(state: DesiredState): DesiredPerson {
  const user: Record<string, unknown> = {};
  for (const [name, slot] of Object.entries(state.attributes)) {
    if (slot.value !== null) user[name] = normaliseValue(slot.value);
  }
  for (const [name, map] of Object.entries(state.maps)) {
    const live = liveEntries(map.entries, map.cleared);
    if (Object.keys(live).length > 0) user[name] = live;
  }
  return { user: user as CanonicalUser, deleted: state.deleted?.value === true };
}

function liveEntries(entries: Record<string, Slot>, cleared: Stamp | undefined) {
  const live: Record<string, unknown> = {};
  for (const key of Object.keys(entries).sort()) {
    const slot = entries[key] as Slot;
    const survivesClear = cleared === undefined || compareStamps(slot, cleared) >= 0;
    if (survivesClear && slot.value !== null) live[key] = normaliseValue(slot.value);
  }
  return live;
}

/** Lists of names are sets: sort them so that order never shows up as a change. */
function normaliseValue(value: unknown): unknown {
  if (Array.isArray(value) && value.every((item) => typeof item === "string"))
    return [...new Set(value)].sort();
  return value;
}
