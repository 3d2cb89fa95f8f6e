import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a presented bearer token with the expected one in constant time. Both sides are hashed first so
 * that neither the content nor the length of the expected token leaks through timing.
 */
export function bearerTokenMatches(authorization: string | undefined, expected: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "");
  const presented = match?.[1] ?? "";
  const equal = timingSafeEqual(digest(presented), digest(expected));
  return equal && presented.length > 0 && expected.length > 0;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
