import { alreadyExists, failedPrecondition, notFound } from "./errors.ts";

export const states = {
  active: "USER_STATE_ACTIVE",
  inactive: "USER_STATE_INACTIVE",
  locked: "USER_STATE_LOCKED",
  initial: "USER_STATE_INITIAL",
} as const;
export type UserState = (typeof states)[keyof typeof states];

export interface Profile {
  firstName: string;
  lastName: string;
  nickName: string;
  displayName: string;
  preferredLanguage: string;
  gender: string;
}
/** The optional profile fields of a request, as the proto names them in v1 and v2. */
export interface ProfileExtras {
  nickName?: string | undefined;
  displayName?: string | undefined;
  preferredLanguage?: string | undefined;
  gender?: string | undefined;
}

/** A profile as ZITADEL stores it: proto3 strings left out are empty; the display name defaults to the names. */
export const profileOf = (firstName: string, lastName: string, extras: ProfileExtras): Profile => ({
  firstName,
  lastName,
  nickName: extras.nickName ?? "",
  displayName: extras.displayName || `${firstName} ${lastName}`,
  preferredLanguage: extras.preferredLanguage ?? "",
  gender: extras.gender ?? "GENDER_UNSPECIFIED",
});

export interface Contact {
  value: string;
  verified: boolean;
}

/** A user as the simulator keeps it; metadata values stay base64, as ZITADEL returns them. */
export interface SimUser {
  userId: string;
  orgId: string;
  userName: string;
  state: UserState;
  profile: Profile;
  email: Contact;
  phone?: Contact;
  hasPassword: boolean;
  passwordChangeRequired: boolean;
  metadata: Map<string, string>;
  /** Mails ZITADEL sent this user: the v1 initialisation mail, v2 e-mail verification codes. */
  mails: ("initialisation" | "emailVerification")[];
  sequence: number;
  createdAt: number;
  changedAt: number;
}

export interface NewUser {
  /** An id of the caller's choosing (v2 AddHumanUser.user_id); generated when absent. */
  userId?: string;
  orgId: string;
  userName: string;
  profile: Profile;
  email: Contact;
  phone?: Contact;
  hasPassword: boolean;
  passwordChangeRequired: boolean;
  /** ImportHumanUser's requestPasswordlessRegistration: the user sets up a passkey instead of initialising. */
  passwordless: boolean;
  metadata: { key: string; value: string }[];
  /** The mail the create makes ZITADEL send, if any. */
  mail?: SimUser["mails"][number];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Users of one instance, with ZITADEL's rules: usernames unique across the whole instance (ignoring case)
 * unless organisations scope them (the domain policy's userLoginMustBeDomain; internal/repository/user
 * NewAddUsernameUniqueConstraint), no uniqueness of e-mail addresses, state transitions that refuse what
 * ZITADEL refuses, and "not changed" refusals for updates that change nothing (management API). Error
 * ids are those of ZITADEL's command and eventstore layers.
 */
export class UserStore {
  #users = new Map<string, SimUser>();
  #nextId = 1;
  readonly #orgScopedUserNames: boolean;

  constructor(options: { orgScopedUserNames?: boolean } = {}) {
    this.#orgScopedUserNames = options.orgScopedUserNames === true;
  }

  reset(): void {
    this.#users.clear();
    this.#nextId = 1;
  }

  all(): SimUser[] {
    return [...this.#users.values()];
  }

  create(input: NewUser, now: number): SimUser {
    // A caller-chosen id in use: FailedPrecondition, not AlreadyExists (internal/command/user_v2_human.go).
    if (input.userId !== undefined && this.#users.has(input.userId))
      throw failedPrecondition("COMMAND-7yiox1isql", "User already exists");
    this.#assertUniqueUserName(input.orgId, input.userName);
    // ZITADEL asks a user to initialise (verify the e-mail, set a password) unless both are given.
    const initial = !input.passwordless && !(input.email.verified && input.hasPassword);
    const user: SimUser = {
      userId: input.userId ?? String(310_000_000_000_000_000n + BigInt(this.#nextId++)),
      orgId: input.orgId,
      userName: input.userName,
      state: initial ? states.initial : states.active,
      profile: input.profile,
      email: input.email,
      ...(input.phone ? { phone: input.phone } : {}),
      hasPassword: input.hasPassword,
      passwordChangeRequired: input.passwordChangeRequired,
      metadata: new Map(input.metadata.map(({ key, value }) => [key, value])),
      mails: input.mail ? [input.mail] : [],
      sequence: 1,
      createdAt: now,
      changedAt: now,
    };
    this.#users.set(user.userId, user);
    return user;
  }

  /** The user, within `orgId` when given (the management API's organisation context). */
  get(userId: string, orgId?: string): SimUser {
    const user = this.#users.get(userId);
    if (!user || (orgId !== undefined && user.orgId !== orgId)) throw notFound("QUERY-Dfbg2");
    return user;
  }

  changeUserName(user: SimUser, userName: string, now: number): void {
    if (user.userName === userName) throw failedPrecondition("COMMAND-6m9gs", "Username not changed");
    this.#assertUniqueUserName(user.orgId, userName, user.userId);
    user.userName = userName;
    this.#touch(user, now);
  }

  changeProfile(user: SimUser, profile: Profile, now: number, refuseUnchanged: boolean): void {
    const unchanged = (Object.keys(profile) as (keyof Profile)[]).every(
      (key) => user.profile[key] === profile[key],
    );
    if (unchanged && refuseUnchanged) throw failedPrecondition("COMMAND-2M0fs", "Profile not changed");
    user.profile = profile;
    this.#touch(user, now);
  }

  changeEmail(user: SimUser, email: Contact, now: number, refuseUnchanged: boolean): void {
    // Re-sending the same address only counts as a change when it newly marks it verified.
    const unchanged = user.email.value === email.value && !(email.verified && !user.email.verified);
    if (unchanged && refuseUnchanged) throw failedPrecondition("COMMAND-2b7fM", "Email not changed");
    user.email = email;
    this.#touch(user, now);
  }

  changePhone(user: SimUser, phone: Contact | undefined, now: number, refuseUnchanged: boolean): void {
    if (phone === undefined) {
      if (!user.phone) throw notFound("COMMAND-p6rsc", "Phone not found");
      delete user.phone;
    } else {
      const unchanged = user.phone?.value === phone.value && !(phone.verified && !user.phone.verified);
      if (unchanged && refuseUnchanged) throw failedPrecondition("COMMAND-wF94r", "Phone not changed");
      user.phone = phone;
    }
    this.#touch(user, now);
  }

  /** v2 RemovePhone: removes whatever is there, no refusal when nothing is (internal/command/user_v2_phone.go). */
  removePhone(user: SimUser, now: number): void {
    delete user.phone;
    this.#touch(user, now);
  }

  /** A mail ZITADEL sends the user (a verification code after an e-mail change). */
  sendMail(user: SimUser, mail: SimUser["mails"][number]): void {
    user.mails.push(mail);
  }

  /**
   * Deactivation of a user that never initialised is refused: the management API says NotFound (as
   * ZITADEL's v1 command does), the user service FailedPrecondition.
   */
  deactivate(user: SimUser, now: number, api: "v1" | "v2"): void {
    if (user.state === states.initial)
      throw api === "v1"
        ? notFound("COMMAND-ke0fw", "User cannot be deactivated while in initial state")
        : failedPrecondition("COMMAND-gvx4kct9r2", "User cannot be deactivated while in initial state");
    if (user.state === states.inactive)
      throw failedPrecondition("COMMAND-5M0sf", "User is already deactivated");
    this.#setState(user, states.inactive, now);
  }

  reactivate(user: SimUser, now: number): void {
    if (user.state !== states.inactive) throw failedPrecondition("COMMAND-6M0sf", "User is not deactivated");
    this.#setState(user, states.active, now);
  }

  lock(user: SimUser, now: number): void {
    if (user.state !== states.active && user.state !== states.initial)
      throw failedPrecondition("COMMAND-3NN8v", "User should be active or initial");
    this.#setState(user, states.locked, now);
  }

  /** An unlocked user goes back to active (the simulator does not remember whether it was initial). */
  unlock(user: SimUser, now: number): void {
    if (user.state !== states.locked) throw failedPrecondition("COMMAND-4M0ds", "User is not locked");
    this.#setState(user, states.active, now);
  }

  remove(user: SimUser): void {
    this.#users.delete(user.userId);
  }

  setMetadata(user: SimUser, entries: { key: string; value: string }[], now: number): void {
    for (const { key, value } of entries) user.metadata.set(key, value);
    this.#touch(user, now);
  }

  /** All or nothing: one missing key refuses the whole request, as BulkRemoveUserMetadata does. */
  removeMetadata(user: SimUser, keys: string[], now: number): void {
    const missing = keys.find((key) => !user.metadata.has(key));
    if (missing !== undefined) throw notFound("META-2nnds", "Metadata key does not exist");
    for (const key of keys) user.metadata.delete(key);
    this.#touch(user, now);
  }

  #setState(user: SimUser, state: UserState, now: number): void {
    user.state = state;
    this.#touch(user, now);
  }

  #touch(user: SimUser, now: number): void {
    user.sequence += 1;
    user.changedAt = now;
  }

  /** The eventstore's unique constraint: AlreadyExists "V3-DKcYh" (internal/eventstore/v3/unique_constraints.go). */
  #assertUniqueUserName(orgId: string, userName: string, exceptId?: string): void {
    for (const other of this.#users.values()) {
      if (other.userId === exceptId || (this.#orgScopedUserNames && other.orgId !== orgId)) continue;
      if (same(other.userName, userName)) throw alreadyExists("V3-DKcYh", "User already exists");
    }
  }
}
