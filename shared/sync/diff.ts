import { isDeepStrictEqual } from "node:util";
import type { CanonicalUser, ProfileAttribute } from "../model/user.ts";

/** The attributes that must change at a provider; null means "clear it there". */
export type UserPatch = { [K in ProfileAttribute]?: CanonicalUser[K] | null };

/** What differs between the desired user and what the provider acknowledged, attribute by attribute. */
export function diffUsers(desired: CanonicalUser, acknowledged: CanonicalUser): UserPatch {
  const patch: Record<string, unknown> = {};
  const names = new Set([...Object.keys(desired), ...Object.keys(acknowledged)]) as Set<ProfileAttribute>;
  for (const name of names) {
    const want = desired[name];
    if (!isDeepStrictEqual(want, acknowledged[name])) patch[name] = want ?? null;
  }
  return patch as UserPatch;
}

/** The user a provider holds after a patch was applied to it. */
export function applyPatch(user: CanonicalUser, patch: UserPatch): CanonicalUser {
  const next: Record<string, unknown> = { ...user };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next as CanonicalUser;
}
