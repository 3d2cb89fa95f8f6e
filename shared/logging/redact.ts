/** Keys whose values are secrets wherever they appear in a log item. */
const secretKeys =
  /^(password|hashedpassword|token|access_?token|secret|authorization|assertion|managementkey|key|client_?secret|privatekey)$/i;
const emailPattern = /[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
/**
 * International or long national numbers; short numbers (counts, ids) are left alone, and so are digit
 * runs inside a larger token (the groups of a request id UUID, an ARN's account).
 */
const phonePattern = /(?<![\w-])\+?\d[\d ().-]{7,}\d(?![\w-])/g;

/**
 * JSON replacer for log lines: secrets by key are replaced whole, e-mail addresses keep only their domain
 * and phone numbers their last two digits, so a line still helps an operator without exposing a person.
 */
export function redactLogValue(key: string, value: unknown): unknown {
  if (secretKeys.test(key) && value !== undefined && value !== null && value !== "") return "[redacted]";
  if (typeof value !== "string") return value;
  return value
    .replace(emailPattern, (_match, domain: string) => `***@${domain}`)
    .replace(phonePattern, (match) => (notAPhoneNumber(match) ? match : `***${match.slice(-2)}`));
}

/**
 * Timestamps and dates look like long digit runs; so do provider user ids (ZITADEL's are 18 digits). E.164
 * allows at most 15 digits, so a bare run of 16 or more is an id, never a phone number.
 */
const notAPhoneNumber = (text: string) =>
  /^\d{4}-\d{2}-\d{2}/.test(text) || /^\d{10,13}$/.test(text) || /^\d{16,}$/.test(text);
