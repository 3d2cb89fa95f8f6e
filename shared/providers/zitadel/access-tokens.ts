import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import { type Fetch, type HttpResponse, sendRequest } from "../../http/request.ts";
import type { Clock } from "../../http/token-bucket.ts";
import type { SecretReader } from "../../sync/ports.ts";
import { parseZitadelSecret, type ZitadelCredentials } from "./credentials.ts";
import { signJwtProfileAssertion } from "./jwt-profile.ts";
import { readError } from "./responses.ts";
import { tokenResponseSchema } from "./wire.ts";

export const tokenPath = "/oauth/v2/token";
const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** `openid` plus the audience of ZITADEL's own APIs, without which the token cannot call them. */
const apiScope = "openid urn:zitadel:iam:org:project:id:zitadel:aud";
/** A cached token is replaced this long before it expires, so no request carries one that just expired. */
const renewBeforeExpiryMs = 60_000;

interface Token {
  value: string;
  /** When to stop using it (ms); absent for a personal access token, which is used until refused. */
  renewAt?: number;
}

type TokenConfig = Pick<ZitadelProviderConfig, "secretName" | "baseUrl" | "requestTimeoutMs">;

/**
 * The bearer token for API calls: the personal access token from the secret, or an access token the
 * service-account key is exchanged for (JWT profile grant), cached until shortly before it expires.
 * Concurrent callers share one secret read and one exchange.
 */
export class AccessTokens {
  readonly #config: TokenConfig;
  readonly #secrets: SecretReader;
  readonly #clock: Clock;
  readonly #fetch: Fetch | undefined;
  #token: Token | undefined;
  #pending: Promise<string> | undefined;

  constructor(config: TokenConfig, deps: { secrets: SecretReader; clock: Clock; fetch?: Fetch }) {
    this.#config = config;
    this.#secrets = deps.secrets;
    this.#clock = deps.clock;
    this.#fetch = deps.fetch;
  }

  /** The token to send now. */
  current(): Promise<string> {
    const token = this.#token;
    if (token && (token.renewAt === undefined || this.#clock.now() < token.renewAt))
      return Promise.resolve(token.value);
    return this.#obtain(false);
  }

  /**
   * After ZITADEL refused `stale` (401): re-reads the secret past its cache, since it may have been
   * rotated, and obtains a new token. A caller whose stale token was already replaced gets the new one.
   */
  renew(stale: string): Promise<string> {
    if (this.#token && this.#token.value !== stale) return this.current();
    this.#token = undefined;
    return this.#obtain(true);
  }

  #obtain(fresh: boolean): Promise<string> {
    this.#pending ??= this.#read(fresh).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #read(fresh: boolean): Promise<string> {
    const { secretName } = this.#config;
    const credentials = parseZitadelSecret(await this.#secrets.read(secretName, { fresh }), secretName);
    this.#token =
      credentials.kind === "pat" ? { value: credentials.token } : await this.#exchange(credentials);
    return this.#token.value;
  }

  async #exchange(key: Extract<ZitadelCredentials, { kind: "serviceAccount" }>): Promise<Token> {
    const audience = this.#config.baseUrl.replace(/\/+$/, "");
    const issuedAt = this.#clock.now();
    const response = await sendRequest(
      {
        method: "POST",
        url: `${audience}${tokenPath}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: jwtBearerGrant,
          scope: apiScope,
          assertion: signJwtProfileAssertion(key, audience, issuedAt),
        }).toString(),
        timeoutMs: this.#config.requestTimeoutMs,
      },
      this.#fetch,
    );
    const parsed = tokenResponseSchema.safeParse(response.json);
    if (response.status !== 200 || !parsed.success)
      throw new Error(`ZITADEL token endpoint answered HTTP ${response.status} (${tokenError(response)})`);
    const lifetimeMs = parsed.data.expires_in * 1000;
    return {
      value: parsed.data.access_token,
      renewAt: issuedAt + lifetimeMs - Math.min(renewBeforeExpiryMs, lifetimeMs / 2),
    };
  }
}

/** OAuth errors are `{error, error_description}`; anything else is read as a ZITADEL error body. */
function tokenError(response: HttpResponse): string {
  const body = response.json as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof body?.error === "string")
    return typeof body.error_description === "string"
      ? `${body.error}: ${body.error_description}`
      : body.error;
  return readError(response).message || "no usable token in the answer";
}
