import type { DesiredState, Stamp } from "../../sync/desired-state.ts";

/** The times (epoch ms) of the oldest and newest write recorded in a desired state. */
export function stampRange(state: DesiredState): { oldest: number; newest: number } | undefined {
  const stamps: Stamp[] = [...Object.values(state.attributes)];
  for (const map of Object.values(state.maps)) {
    if (map.cleared) stamps.push(map.cleared);
    stamps.push(...Object.values(map.entries));
  }
  if (state.deleted) stamps.push(state.deleted);
  if (stamps.length === 0) return undefined;
  const times = stamps.map((stamp) => stamp.at);
  return { oldest: Math.min(...times), newest: Math.max(...times) };
}
