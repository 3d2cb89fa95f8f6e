import { invalidArgument } from "./errors.ts";

/** passwap verifiers the instance enables (ZITADEL: SystemDefaults.PasswordHasher.Verifiers; bcrypt by default). */
export type HashVerifier = "bcrypt" | "pbkdf2" | "md5plain";

const encodings: Record<HashVerifier, RegExp> = {
  bcrypt: /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/,
  pbkdf2: /^\$pbkdf2(-sha(1|224|256|384|512))?\$\d+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+$/,
  md5plain: /^[0-9a-f]{32}$/,
};

/** Refuses an imported hash no enabled verifier reads, as ZITADEL does on import. */
export function assertVerifiableHash(hash: string, verifiers: readonly HashVerifier[]): void {
  if (!verifiers.some((verifier) => encodings[verifier].test(hash)))
    throw invalidArgument("COMMAND-JDk4t", "Password hash encoding not supported");
}
