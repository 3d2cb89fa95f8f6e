import { createPublicKey, randomBytes, verify } from "node:crypto";
import type { Clock } from "../../../shared/http/token-bucket.ts";
import type { Reply } from "../sim-server.ts";

/** The public half of a service user's key, as ZITADEL keeps it. */
export interface ServiceAccountKey {
  userId: string;
  keyId: string;
  publicKeyPem: string;
}

const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Without this scope a token is issued but cannot call ZITADEL's APIs. */
const apiAudienceScope = "urn:zitadel:iam:org:project:id:zitadel:aud";
/** Clock skew tolerated on `iat`. */
const skewSeconds = 5;

const oauthError = (error: string, description: string): Reply => ({
  status: 400,
  json: { error, error_description: description },
});

const decodeJson = (part: string | undefined): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Who may call the APIs: the personal access token, and opaque access tokens issued at the token endpoint
 * for a JWT profile assertion signed with the service user's key (RFC 7523), valid for a lifetime.
 */
export class TokenIssuer {
  readonly #key: ServiceAccountKey | undefined;
  readonly #lifetimeSeconds: number;
  readonly #clock: Clock;
  #pat: string;
  #tokens = new Map<string, { expiresAt: number; api: boolean }>();

  constructor(options: {
    pat: string;
    serviceAccount?: ServiceAccountKey;
    lifetimeSeconds: number;
    clock: Clock;
  }) {
    this.#pat = options.pat;
    this.#key = options.serviceAccount;
    this.#lifetimeSeconds = options.lifetimeSeconds;
    this.#clock = options.clock;
  }

  /** Replaces the accepted personal access token (a rotation); the old one is refused from now on. */
  setPat(pat: string): void {
    this.#pat = pat;
  }

  /** Forgets every issued access token, as a revocation or a restart of the instance would. */
  revokeAccessTokens(): void {
    this.#tokens.clear();
  }

  /** Whether `authorization` (the header) may call the APIs now. */
  authorizes(authorization: string | undefined): boolean {
    const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
    if (!token) return false;
    if (token === this.#pat) return true;
    const issued = this.#tokens.get(token);
    return issued?.api === true && this.#clock.now() < issued.expiresAt;
  }

  /** Answers a token request (form fields) made to the instance at `audience`. */
  exchange(form: URLSearchParams, audience: string): Reply {
    if (form.get("grant_type") !== jwtBearerGrant)
      return oauthError("unsupported_grant_type", "the simulator issues tokens for JWT profile grants only");
    const scopes = (form.get("scope") ?? "").split(" ");
    if (!scopes.includes("openid")) return oauthError("invalid_scope", "scope openid is required");
    const problem = this.#checkAssertion(form.get("assertion") ?? "", audience);
    if (problem) return oauthError("invalid_grant", problem);
    const token = randomBytes(24).toString("base64url");
    this.#tokens.set(token, {
      expiresAt: this.#clock.now() + this.#lifetimeSeconds * 1000,
      api: scopes.includes(apiAudienceScope),
    });
    return {
      status: 200,
      json: {
        access_token: token,
        token_type: "Bearer",
        expires_in: this.#lifetimeSeconds,
        scope: scopes.join(" "),
      },
    };
  }

  #checkAssertion(assertion: string, audience: string): string | undefined {
    const key = this.#key;
    if (!key) return "no service-account key is registered";
    const [headerPart, payloadPart, signaturePart] = assertion.split(".");
    const header = decodeJson(headerPart);
    const payload = decodeJson(payloadPart);
    if (!header || !payload || !signaturePart) return "assertion is not a JWT";
    if (header.alg !== "RS256") return "assertion must be signed RS256";
    if (header.kid !== key.keyId) return "assertion names an unknown key (kid)";
    if (payload.iss !== key.userId || payload.sub !== key.userId)
      return "iss and sub must be the service user's id";
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(audience)) return `aud must include ${audience}`;
    const now = this.#clock.now() / 1000;
    if (typeof payload.exp !== "number" || payload.exp <= now) return "assertion expired";
    if (typeof payload.iat !== "number" || payload.iat > now + skewSeconds)
      return "assertion issued in the future";
    const signed = verify(
      "sha256",
      Buffer.from(`${headerPart}.${payloadPart}`),
      createPublicKey(key.publicKeyPem),
      Buffer.from(signaturePart, "base64url"),
    );
    return signed ? undefined : "assertion signature does not verify";
  }
}
