import type { HashedPassword, ImportSecrets } from "../../model/user.ts";

/** The initial password of a created user: plain, or a hash in Modular Crypt Format. Never logged. */
export type ZitadelPassword = { password: string } | { hash: string };

/**
 * The password to import, if any. A hash given by the source wins over a plain password. ZITADEL
 * verifies hashes with its passwap library, which reads Modular Crypt Format strings; the canonical
 * forms that have one are mapped:
 * - bcrypt: already MCF (`$2a$`, `$2b$`, `$2y$`);
 * - pbkdf2: passlib's `$pbkdf2[-sha256|-sha512]$<rounds>$<salt>$<hash>` (adapted base64, no padding);
 * - md5: a plain hex digest, read by passwap's `md5plain` verifier.
 * ZITADEL enables only the bcrypt verifier by default; pbkdf2 and md5plain work once the instance's
 * `SystemDefaults.PasswordHasher.Verifiers` lists them (otherwise ZITADEL refuses the import).
 * The other canonical forms have no MCF equivalent ZITADEL documents, and reject the user.
 */
export function toZitadelPassword(
  secrets: ImportSecrets | undefined,
): ZitadelPassword | { rejected: string } | undefined {
  if (secrets?.hashedPassword) return fromHash(secrets.hashedPassword);
  if (secrets?.password) return { password: secrets.password };
  return undefined;
}

const pbkdf2Identifiers = { sha1: "pbkdf2", sha256: "pbkdf2-sha256", sha512: "pbkdf2-sha512" } as const;

function fromHash(hashed: HashedPassword): ZitadelPassword | { rejected: string } {
  if ("bcrypt" in hashed) return { hash: hashed.bcrypt.hash };
  if ("md5" in hashed) return { hash: hashed.md5.hash.toLowerCase() };
  if ("pbkdf2" in hashed) {
    const { hash, salt, iterations, type } = hashed.pbkdf2;
    return {
      hash: `$${pbkdf2Identifiers[type]}$${iterations}$${adaptedBase64(salt)}$${adaptedBase64(hash)}`,
    };
  }
  const algorithm = Object.keys(hashed)[0];
  return {
    rejected:
      `ZITADEL cannot import ${algorithm} password hashes: it takes bcrypt, pbkdf2 and plain md5 ` +
      "in Modular Crypt Format",
  };
}

/** passlib's ab64: standard base64 with `.` for `+` and no padding, as passwap decodes pbkdf2 fields. */
const adaptedBase64 = (base64: string) => base64.replace(/=+$/, "").replaceAll("+", ".");
