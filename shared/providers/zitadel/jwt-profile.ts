import { createPrivateKey, sign } from "node:crypto";

/** ZITADEL accepts assertions that expire at most an hour after they were issued. */
const assertionLifetimeSeconds = 3600;

const base64Url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/**
 * The JWT a service user presents to the token endpoint (RFC 7523 JWT bearer grant, ZITADEL's "JWT
 * profile"): issued by and about the service user, for the instance, signed RS256 with its key.
 */
export function signJwtProfileAssertion(
  key: { userId: string; keyId: string; privateKeyPem: string },
  audience: string,
  nowMs: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  const header = base64Url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: key.keyId }));
  const payload = base64Url(
    JSON.stringify({
      iss: key.userId,
      sub: key.userId,
      aud: audience,
      iat,
      exp: iat + assertionLifetimeSeconds,
    }),
  );
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key.privateKeyPem);
  } catch {
    // The parser's message could quote the key material.
    throw new Error(`the private key of ZITADEL key ${key.keyId} is not a readable PEM key`);
  }
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), privateKey);
  return `${header}.${payload}.${base64Url(signature)}`;
}
