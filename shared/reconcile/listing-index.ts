import type { CanonicalUser } from "../model/user.ts";
import type { PersonRecord } from "../sync/person-record.ts";
import type { ListedUser, ProviderListing } from "./ports.ts";

/** A provider's listing, looked up by the persons that own its users and by the identifiers they sign in with. */
export interface ListingIndex {
  /** The listed user a person's acknowledged state points to (by user id, else by loginId). */
  managed(person: string): ListedUser | undefined;
  /**
   * An unmanaged listed user that is this new person (same loginId, else the only one with the same e-mail),
   * now taken by the person.
   */
  adopt(person: string, user: CanonicalUser): ListedUser | undefined;
  /** The listed users nobody manages or adopted: orphans. */
  unclaimed(): ListedUser[];
}

const lower = (text: string) => text.toLowerCase();

export function indexListing(
  listing: ProviderListing,
  records: ReadonlyMap<string, PersonRecord>,
): ListingIndex {
  const byId = new Map(listing.users.map((user) => [user.userId, user]));
  const byLoginId = new Map<string, ListedUser>();
  for (const user of listing.users) for (const loginId of user.loginIds) byLoginId.set(lower(loginId), user);
  const owner = new Map<string, string>();
  const managed = new Map<string, ListedUser>();
  for (const [person, record] of records) {
    const state = record.providers[listing.provider];
    if (!state || state.deleted) continue;
    const loginId = state.user.loginId;
    const found =
      state.userId !== undefined
        ? byId.get(state.userId)
        : loginId === undefined
          ? undefined
          : byLoginId.get(lower(loginId));
    if (found && !owner.has(found.userId)) {
      owner.set(found.userId, person);
      managed.set(person, found);
    }
  }
  const free = (user: ListedUser | undefined) => (user && !owner.has(user.userId) ? user : undefined);
  const byEmail = (email: string) => {
    const matches = listing.users.filter(
      (user) => owner.get(user.userId) === undefined && lower(user.email ?? "") === lower(email),
    );
    return matches.length === 1 ? matches[0] : undefined;
  };
  return {
    managed: (person) => managed.get(person),
    adopt: (person, user) => {
      const match =
        (user.loginId ? free(byLoginId.get(lower(user.loginId))) : undefined) ??
        (user.email ? byEmail(user.email) : undefined);
      if (match) owner.set(match.userId, person);
      return match;
    },
    unclaimed: () => listing.users.filter((user) => !owner.has(user.userId)),
  };
}
