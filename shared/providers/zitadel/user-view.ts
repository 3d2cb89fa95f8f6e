import { isDeepStrictEqual } from "node:util";
import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import type { CanonicalUser, CustomAttributeValue } from "../../model/user.ts";

export type ZitadelMappingConfig = Pick<ZitadelProviderConfig, "metadataKeys">;

/**
 * A human user as ZITADEL holds it, in API-neutral terms: what idp-sync writes, and what it compares
 * to find the parts that changed. ZITADEL refuses updates that change nothing ("… not changed"), so
 * only differing parts may be sent.
 */
export interface ZitadelView {
  userName: string;
  profile: { firstName: string; lastName: string; displayName: string };
  email: { email: string; verified: boolean };
  phone?: { phone: string; verified: boolean };
  /** Metadata values as text, before the base64 of the wire: strings as they are, others as JSON. */
  metadata: Record<string, string>;
  /** False for a deactivated (or locked) user. */
  active: boolean;
}

export type ViewResult = { view: ZitadelView } | { rejected: string };

/**
 * The ZITADEL user a canonical user maps to. ZITADEL requires a username, first and last name and an
 * e-mail. Missing names are taken from a display name of at least two words (all but the last word are
 * the first name); an e-mail is never guessed. Anything else missing rejects the user with the reason.
 * middleName, picture, roles and tenants have no ZITADEL user field and are not sent.
 */
export function toZitadelView(user: CanonicalUser, config: ZitadelMappingConfig): ViewResult {
  const missing = missingForZitadel(user);
  if (missing !== undefined) return { rejected: missing };
  const names = namesOf(user) as NonNullable<ReturnType<typeof namesOf>>;
  return {
    view: {
      userName: user.loginId as string,
      profile: { ...names, displayName: user.displayName || `${names.firstName} ${names.lastName}` },
      email: { email: user.email as string, verified: user.emailVerified === true },
      ...(user.phone ? { phone: { phone: user.phone, verified: user.phoneVerified === true } } : {}),
      metadata: toMetadata(user, config.metadataKeys),
      active: user.active !== false,
    },
  };
}

/** What ZITADEL requires that the user lacks (a username, an e-mail, first and last names), if anything. */
export function missingForZitadel(user: CanonicalUser): string | undefined {
  if (!user.loginId) return "ZITADEL requires a username: this user has no loginId";
  if (!user.email) return "ZITADEL requires an e-mail address: this user has none";
  if (!namesOf(user))
    return (
      "ZITADEL requires a first and a last name: this user has neither givenName and familyName " +
      "nor a displayName of at least two words to take them from"
    );
  return undefined;
}

function namesOf(user: CanonicalUser): { firstName: string; lastName: string } | undefined {
  const words = (user.displayName ?? "").trim().split(/\s+/).filter(Boolean);
  const fromDisplay =
    words.length >= 2 ? { firstName: words.slice(0, -1).join(" "), lastName: words.at(-1) as string } : {};
  const firstName = user.givenName || fromDisplay.firstName;
  const lastName = user.familyName || fromDisplay.lastName;
  return firstName && lastName ? { firstName, lastName } : undefined;
}

/** Custom attributes under their own keys, then the mapped canonical attributes (which win). */
function toMetadata(user: CanonicalUser, keys: ZitadelMappingConfig["metadataKeys"]): Record<string, string> {
  const metadata: Record<string, string> = {};
  const put = (key: string, value: CustomAttributeValue | undefined) => {
    const text = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
    // ZITADEL stores no empty values (bytes value min_len 1): an empty value is an absent key.
    if (text) metadata[key] = text;
    else delete metadata[key];
  };
  for (const [key, value] of Object.entries(user.customAttributes ?? {})) put(key, value);
  for (const [attribute, key] of Object.entries(keys) as [keyof typeof keys, string | undefined][]) {
    if (key !== undefined) put(key, user[attribute]);
  }
  return metadata;
}

/** What must change at ZITADEL to turn `before` into `after`; absent parts stay as they are. */
export interface ViewChange {
  userName?: string;
  profile?: ZitadelView["profile"];
  email?: ZitadelView["email"];
  /** null removes the phone number. */
  phone?: ZitadelView["phone"] | null;
  setMetadata: Record<string, string>;
  removeMetadata: string[];
  active?: boolean;
}

/**
 * The parts that differ. Without `before` (ZITADEL's state unknown) every part of `after` is sent, and
 * nothing is removed, since nothing is known to be there.
 */
export function diffViews(before: ZitadelView | undefined, after: ZitadelView): ViewChange {
  const change: ViewChange = { setMetadata: {}, removeMetadata: [] };
  if (before?.userName !== after.userName) change.userName = after.userName;
  if (!isDeepStrictEqual(before?.profile, after.profile)) change.profile = after.profile;
  // ZITADEL cannot take a verification back: the same address sent unverified is ignored (v2) or refused
  // as not changed (v1). Only a new address, or a newly verified one, is a change it makes.
  const unverifiesOnly =
    before?.email.email === after.email.email && before.email.verified && !after.email.verified;
  if (!isDeepStrictEqual(before?.email, after.email) && !unverifiesOnly) change.email = after.email;
  if (!isDeepStrictEqual(before?.phone, after.phone)) {
    if (after.phone) change.phone = after.phone;
    else if (before?.phone) change.phone = null;
  }
  for (const [key, value] of Object.entries(after.metadata)) {
    if (before?.metadata[key] !== value) change.setMetadata[key] = value;
  }
  for (const key of Object.keys(before?.metadata ?? {})) {
    if (!Object.hasOwn(after.metadata, key)) change.removeMetadata.push(key);
  }
  if (before?.active !== after.active) change.active = after.active;
  return change;
}
