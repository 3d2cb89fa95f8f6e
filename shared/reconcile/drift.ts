import { isDeepStrictEqual } from "node:util";
import {
  type CanonicalUser,
  isMapAttribute,
  type ProfileAttribute,
  profileAttributes,
} from "../model/user.ts";
import type { ListedUser, ProviderDirectory } from "./ports.ts";

export type Comparison = Pick<ProviderDirectory, "visibleAttributes" | "project">;

const withAttribute = (user: CanonicalUser, name: ProfileAttribute, value: unknown): CanonicalUser => {
  const next: Record<string, unknown> = { ...user };
  if (value === undefined) delete next[name];
  else next[name] = value;
  return next as CanonicalUser;
};

/**
 * What the provider holds as far as reconcile can know: the listed attributes as listed, the others as
 * the provider last acknowledged them (a listing shows no ZITADEL metadata, for instance). Only managed
 * attributes count — those the desired user or the acknowledged one has (and `active`, which is always
 * managed) — and of map attributes only the managed keys: a value set at the provider for an attribute
 * idp-sync never wrote (a phone number a user added, a role granted there) is no drift.
 */
export function observedUser(
  desired: CanonicalUser,
  acknowledged: CanonicalUser | undefined,
  listed: ListedUser,
  { visibleAttributes }: Comparison,
): CanonicalUser {
  let user: CanonicalUser = { ...acknowledged };
  for (const name of visibleAttributes) {
    const managed = name === "active" || desired[name] !== undefined || acknowledged?.[name] !== undefined;
    if (!managed) continue;
    const value = isMapAttribute(name)
      ? managedKeys(listed.user[name], desired[name], acknowledged?.[name])
      : listed.user[name];
    user = withAttribute(user, name, value);
  }
  return user;
}

function managedKeys<T>(
  listed: Record<string, T> | undefined,
  ...managers: (Record<string, unknown> | undefined)[]
): Record<string, T> | undefined {
  const keys = new Set(managers.flatMap((map) => Object.keys(map ?? {})));
  const kept = Object.entries(listed ?? {}).filter(([key]) => keys.has(key));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/**
 * The attributes whose value at the provider differs from the desired one, in the provider's terms: an
 * attribute drifts when putting the provider's value into the desired user changes what the provider would
 * hold. Empty when the provider holds the desired user.
 */
export function driftedAttributes(
  desired: CanonicalUser,
  observed: CanonicalUser,
  comparison: Comparison,
): ProfileAttribute[] {
  const want = comparison.project(desired);
  if (isDeepStrictEqual(want, comparison.project(observed))) return [];
  const differing = profileAttributes.filter((name) => !isDeepStrictEqual(desired[name], observed[name]));
  const drifted = differing.filter(
    (name) => !isDeepStrictEqual(want, comparison.project(withAttribute(desired, name, observed[name]))),
  );
  // Differences that show only together (e.g. names derived from one another) are all listed.
  return drifted.length > 0 ? drifted : differing;
}

/**
 * The user to record as acknowledged so that the normal plan repairs exactly the drift: drifted attributes
 * as the provider holds them, the other listed ones as desired (the provider already matches them).
 */
export function correctedUser(
  desired: CanonicalUser,
  observed: CanonicalUser,
  drifted: readonly ProfileAttribute[],
  { visibleAttributes }: Comparison,
): CanonicalUser {
  let user = observed;
  for (const name of visibleAttributes)
    if (!drifted.includes(name)) user = withAttribute(user, name, desired[name]);
  return user;
}
