import type { CustomAttributeValue, UserInput, UserStatus, UserTenant } from "./user-input.ts";

/** Descope error codes the simulator answers with (from the SDKs' error tables). */
export const errorCodes = {
  badRequest: "E011001",
  validation: "E011003",
  userNotFound: "E112102",
  userAlreadyExists: "E062107",
  rateLimited: "E130429",
} as const;

/** A refusal of one user: per-user in batch answers, the whole answer for single-user endpoints. */
export class UserError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Removals a patch may leave undone (see UserStore.patch). */
export type PatchIgnored = "emptyAdditionalIdentifiers" | "unverifyEmail";

interface StoredUser {
  userId: string;
  /** The login ID first, then the additional identifiers. */
  loginIds: string[];
  email: string;
  verifiedEmail: boolean;
  phone: string;
  verifiedPhone: boolean;
  name: string;
  givenName: string;
  middleName: string;
  familyName: string;
  picture: string;
  roleNames: string[];
  userTenants: UserTenant[];
  customAttributes: Record<string, CustomAttributeValue>;
  ssoAppIds: string[];
  status: UserStatus;
  test: boolean;
  password: boolean;
  createdTime: number;
}

/** A user as the management API returns it: every field, empty values included (research §1.0). */
export type DescopeUserObject = ReturnType<typeof render>;

const profileFields = [
  "email",
  "verifiedEmail",
  "phone",
  "verifiedPhone",
  "name",
  "givenName",
  "middleName",
  "familyName",
  "picture",
  "roleNames",
  "userTenants",
  "ssoAppIds",
] as const;

/** The project's users, with Descope's create / patch / overwrite semantics. */
export class UserStore {
  readonly #users: StoredUser[] = [];
  #sequence = 0;

  all(): DescopeUserObject[] {
    return this.#users.map(render);
  }

  reset(): void {
    this.#users.length = 0;
    this.#sequence = 0;
  }

  /** Users created through the management API start `invited` unless a status is given. */
  create(input: UserInput, nowSeconds: number): DescopeUserObject {
    if (!input.loginId) throw new UserError(errorCodes.validation, "loginId is required");
    const loginIds = [input.loginId, ...(input.additionalIdentifiers ?? [])];
    this.#ensureFree(loginIds);
    this.#sequence += 1;
    const user: StoredUser = {
      ...emptyProfile(),
      userId: `U${String(this.#sequence).padStart(27, "0")}`,
      loginIds,
      status: input.status ?? "invited",
      test: input.test ?? false,
      password: input.password ?? false,
      createdTime: nowSeconds,
    };
    assignProfile(user, input);
    this.#users.push(user);
    return render(user);
  }

  /**
   * Only the fields given change; lists given replace, custom attributes merge key by key. `ignored`:
   * removals this store leaves undone, as Descope's patch may (an empty additionalIdentifiers list,
   * verifiedEmail false): undocumented, so both behaviours are simulated.
   */
  patch(input: UserInput, ignored: readonly PatchIgnored[] = []): DescopeUserObject {
    const user = this.#find(input);
    const keepsIdentifiers =
      ignored.includes("emptyAdditionalIdentifiers") && input.additionalIdentifiers?.length === 0;
    if (input.additionalIdentifiers && !keepsIdentifiers)
      this.#setAdditional(user, input.additionalIdentifiers);
    const { customAttributes, ...given } = input;
    const keepsVerification = ignored.includes("unverifyEmail") && given.verifiedEmail === false;
    const rest = keepsVerification ? { ...given, verifiedEmail: undefined } : given;
    assignProfile(user, rest);
    if (customAttributes) user.customAttributes = { ...user.customAttributes, ...customAttributes };
    if (input.status) user.status = input.status;
    return render(user);
  }

  /** Every profile field is replaced; what the request leaves out is removed. Status and test stay. */
  overwrite(input: UserInput): DescopeUserObject {
    const user = this.#find(input);
    this.#setAdditional(user, input.additionalIdentifiers ?? []);
    Object.assign(user, emptyProfile());
    assignProfile(user, input);
    if (input.status) user.status = input.status;
    if (input.test !== undefined) user.test = input.test;
    return render(user);
  }

  setStatus(input: UserInput): DescopeUserObject {
    if (!input.status) throw new UserError(errorCodes.validation, "status is required");
    const user = this.#find(input);
    user.status = input.status;
    return render(user);
  }

  changeLoginId(input: UserInput, newLoginId: unknown): DescopeUserObject {
    const user = this.#find(input);
    if (typeof newLoginId !== "string" || !newLoginId)
      throw new UserError(errorCodes.validation, "newLoginId is required");
    if (user.loginIds[0] === newLoginId) return render(user);
    this.#ensureFree([newLoginId], user);
    user.loginIds = [newLoginId, ...user.loginIds.slice(1)];
    return render(user);
  }

  delete(input: UserInput): void {
    const user = this.#find(input);
    this.#users.splice(this.#users.indexOf(user), 1);
  }

  /** delete/batch by Descope user ids; ids of users that do not exist are passed over. */
  deleteByIds(userIds: readonly string[]): void {
    for (const user of this.#users.filter((candidate) => userIds.includes(candidate.userId)))
      this.#users.splice(this.#users.indexOf(user), 1);
  }

  load(input: UserInput): DescopeUserObject {
    return render(this.#find(input));
  }

  /** `loginId` may hold a login ID (any of the user's) or a user ID, as in every management endpoint. */
  #find(input: UserInput): StoredUser {
    const key = input.loginId ?? input.userId;
    if (!key) throw new UserError(errorCodes.validation, "loginId or userId is required");
    const user = this.#users.find(
      (candidate) => candidate.userId === key || candidate.loginIds.includes(key),
    );
    if (!user) throw new UserError(errorCodes.userNotFound, "user not found");
    return user;
  }

  #setAdditional(user: StoredUser, additional: string[]): void {
    this.#ensureFree(additional, user);
    user.loginIds = [user.loginIds[0] as string, ...additional];
  }

  #ensureFree(loginIds: readonly string[], owner?: StoredUser): void {
    if (new Set(loginIds).size !== loginIds.length)
      throw new UserError(errorCodes.validation, "login IDs must be distinct");
    const taken = this.#users.some(
      (user) => user !== owner && user.loginIds.some((loginId) => loginIds.includes(loginId)),
    );
    if (taken) throw new UserError(errorCodes.userAlreadyExists, "user already exists");
  }
}

function emptyProfile(): Omit<
  StoredUser,
  "userId" | "loginIds" | "status" | "test" | "password" | "createdTime"
> {
  return {
    email: "",
    verifiedEmail: false,
    phone: "",
    verifiedPhone: false,
    name: "",
    givenName: "",
    middleName: "",
    familyName: "",
    picture: "",
    roleNames: [],
    userTenants: [],
    customAttributes: {},
    ssoAppIds: [],
  };
}

function assignProfile(user: StoredUser, input: UserInput): void {
  const given = Object.fromEntries(
    profileFields.filter((field) => input[field] !== undefined).map((field) => [field, input[field]]),
  );
  Object.assign(user, given);
  if (input.customAttributes) user.customAttributes = { ...input.customAttributes };
}

function render(user: StoredUser) {
  return {
    loginIds: [...user.loginIds],
    userId: user.userId,
    name: user.name,
    email: user.email,
    phone: user.phone,
    verifiedEmail: user.verifiedEmail,
    verifiedPhone: user.verifiedPhone,
    roleNames: [...user.roleNames],
    userTenants: user.userTenants.map((tenant) => ({
      tenantId: tenant.tenantId,
      roleNames: [...tenant.roleNames],
      tenantName: tenant.tenantId,
      permissions: [] as string[],
    })),
    status: user.status as string,
    externalIds: [...user.loginIds],
    picture: user.picture,
    test: user.test,
    customAttributes: { ...user.customAttributes },
    createdTime: user.createdTime,
    TOTP: false,
    SAML: false,
    OAuth: {} as Record<string, boolean>,
    webauthn: false,
    password: user.password,
    ssoAppIds: [...user.ssoAppIds],
    givenName: user.givenName,
    middleName: user.middleName,
    familyName: user.familyName,
    editable: true,
    SCIM: false,
    push: false,
    permissions: [] as string[],
    OIDC: false,
    consentExpiration: 0,
  };
}

/** How a user that failed in a batch is echoed back: the request's user in the API's user shape. */
export function renderFailedUser(input: UserInput | undefined, loginId: unknown): DescopeUserObject {
  const id = input?.loginId ?? (typeof loginId === "string" ? loginId : "");
  const user: StoredUser = {
    ...emptyProfile(),
    userId: "",
    loginIds: id ? [id] : [],
    status: input?.status ?? "invited",
    test: input?.test ?? false,
    password: false,
    createdTime: 0,
  };
  if (input) assignProfile(user, input);
  return render(user);
}
