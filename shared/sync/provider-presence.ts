import type { PersonRecord } from "./person-record.ts";

/**
 * The providers that hold a person: acknowledged and not deleted there. A create written ahead and not yet
 * confirmed (no provider user id yet) does not count; a known user whose latest change is unconfirmed
 * still does, so that writing an intent ahead of every change leaves the counts alone. Sorted, so it
 * compares as text.
 */
export const presentAt = (record: PersonRecord | undefined): string[] =>
  Object.entries(record?.providers ?? {})
    .filter(([, state]) => !state.deleted && (state.unconfirmed !== true || state.userId !== undefined))
    .map(([provider]) => provider)
    .sort();

/** How each provider's user count moves when a person's presence goes from `before` to `after`. */
export function presenceDelta(before: readonly string[], after: readonly string[]): Map<string, number> {
  const delta = new Map<string, number>();
  for (const provider of after) if (!before.includes(provider)) delta.set(provider, 1);
  for (const provider of before) if (!after.includes(provider)) delta.set(provider, -1);
  return delta;
}
