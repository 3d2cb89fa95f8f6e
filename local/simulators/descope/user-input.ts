/**
 * Reads a user from a management request body the way Descope's protobuf/JSON gateway does: every SDK
 * spelling is accepted (name|displayName, additionalIdentifiers|additionalLoginIds, ssoAppIds|ssoAppIDs),
 * unknown fields are ignored, and a field counts as given only when it holds a value. An empty string or
 * a null list is "not given", which is why a patch cannot clear text fields with it.
 */

export type CustomAttributeValue = string | number | boolean | string[];

export interface UserTenant {
  tenantId: string;
  roleNames: string[];
}

/** Everything a request can say about a user; a key is present only when the request gave a value. */
export interface UserInput {
  loginId?: string;
  userId?: string;
  email?: string;
  verifiedEmail?: boolean;
  phone?: string;
  verifiedPhone?: boolean;
  name?: string;
  givenName?: string;
  middleName?: string;
  familyName?: string;
  picture?: string;
  roleNames?: string[];
  userTenants?: UserTenant[];
  customAttributes?: Record<string, CustomAttributeValue>;
  additionalIdentifiers?: string[];
  ssoAppIds?: string[];
  status?: UserStatus;
  test?: boolean;
  /** Whether a password or password hash came with the user; the secret itself is not kept. */
  password?: true;
}

export type UserStatus = "enabled" | "disabled" | "invited";
const statuses = new Set<string>(["enabled", "disabled", "invited"]);

const hashAlgorithms = new Set([
  "bcrypt",
  "django",
  "firebase",
  "pbkdf2",
  "phpass",
  "md5",
  "sha",
  "argon2",
  "bach",
  "buddyauth",
]);

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phonePattern = /^\+?[0-9][0-9 ().-]{5,24}$/;

const textFields = ["loginId", "userId", "givenName", "middleName", "familyName", "picture"] as const;

/** The user a request describes, or the text of the per-user failure Descope would report. */
export function readUserInput(raw: unknown): UserInput | string {
  if (!isRecord(raw)) return "user must be an object";
  const input: UserInput = {};
  for (const field of textFields) {
    const value = raw[field];
    if (value !== undefined && value !== null && typeof value !== "string")
      return `${field} must be a string`;
    if (value) input[field] = value;
  }
  const name = firstGiven(raw, "name", "displayName");
  if (name !== undefined && typeof name !== "string") return "name must be a string";
  if (name) input.name = name;

  const email = raw.email;
  if (
    email !== undefined &&
    email !== null &&
    (typeof email !== "string" || (email && !emailPattern.test(email)))
  )
    return "invalid email format";
  if (email) input.email = email as string;
  const phone = raw.phone;
  if (
    phone !== undefined &&
    phone !== null &&
    (typeof phone !== "string" || (phone && !phonePattern.test(phone)))
  )
    return "invalid phone format";
  if (phone) input.phone = phone as string;

  for (const flag of ["verifiedEmail", "verifiedPhone", "test"] as const) {
    const value = raw[flag];
    if (value !== undefined && value !== null && typeof value !== "boolean")
      return `${flag} must be a boolean`;
    if (typeof value === "boolean") input[flag] = value;
  }

  const lists = [
    ["roleNames", raw.roleNames],
    ["additionalIdentifiers", firstGiven(raw, "additionalIdentifiers", "additionalLoginIds")],
    ["ssoAppIds", firstGiven(raw, "ssoAppIds", "ssoAppIDs")],
  ] as const;
  for (const [field, value] of lists) {
    if (value === undefined || value === null) continue;
    if (!isStringList(value)) return `${field} must be a list of strings`;
    input[field] = value;
  }

  if (raw.userTenants !== undefined && raw.userTenants !== null) {
    const tenants = readTenants(raw.userTenants);
    if (typeof tenants === "string") return tenants;
    input.userTenants = tenants;
  }
  if (raw.customAttributes !== undefined && raw.customAttributes !== null) {
    const custom = readCustomAttributes(raw.customAttributes);
    if (typeof custom === "string") return custom;
    input.customAttributes = custom;
  }
  if (raw.status !== undefined && raw.status !== null && raw.status !== "") {
    if (typeof raw.status !== "string" || !statuses.has(raw.status)) return "invalid status";
    input.status = raw.status as UserStatus;
  }

  const password = readPassword(raw.password, raw.hashedPassword);
  if (typeof password === "string") return password;
  if (password) input.password = true;
  return input;
}

function readTenants(value: unknown): UserTenant[] | string {
  if (!Array.isArray(value)) return "userTenants must be a list";
  const tenants: UserTenant[] = [];
  for (const tenant of value) {
    if (!isRecord(tenant) || typeof tenant.tenantId !== "string" || !tenant.tenantId)
      return "tenantId is required";
    const roleNames = tenant.roleNames ?? [];
    if (!isStringList(roleNames)) return "tenant roleNames must be a list of strings";
    tenants.push({ tenantId: tenant.tenantId, roleNames });
  }
  return tenants;
}

function readCustomAttributes(value: unknown): Record<string, CustomAttributeValue> | string {
  if (!isRecord(value)) return "customAttributes must be an object";
  for (const [key, attribute] of Object.entries(value)) {
    const valid = ["string", "number", "boolean"].includes(typeof attribute) || isStringList(attribute);
    if (!valid) return `invalid value for custom attribute ${key}`;
  }
  return value as Record<string, CustomAttributeValue>;
}

function readPassword(password: unknown, hashed: unknown): boolean | string {
  const hasPassword = password !== undefined && password !== null && password !== "";
  const hasHash = hashed !== undefined && hashed !== null;
  if (hasPassword && typeof password !== "string") return "password must be a string";
  if (hasHash) {
    const algorithms = isRecord(hashed) ? Object.keys(hashed) : [];
    const [algorithm] = algorithms;
    if (
      algorithms.length !== 1 ||
      !algorithm ||
      !hashAlgorithms.has(algorithm) ||
      !isRecord((hashed as Record<string, unknown>)[algorithm])
    )
      return "invalid hashed password: exactly one supported algorithm is required";
  }
  if (hasPassword && hasHash) return "only one of password and hashedPassword may be set";
  return hasPassword || hasHash;
}

const firstGiven = (raw: Record<string, unknown>, name: string, alias: string) => raw[name] ?? raw[alias];

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");
