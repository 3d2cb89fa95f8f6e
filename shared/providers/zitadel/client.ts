import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import type { ClientDeps } from "../../http/client-deps.ts";
import { type HttpResponse, sendRequest, TransportError } from "../../http/request.ts";
import { AccessTokens } from "./access-tokens.ts";
import { RequestPacer } from "./request-pacer.ts";
import type { ZitadelRequest } from "./requests.ts";
import { type CallResult, defaultRetryAfterSeconds } from "./responses.ts";

/** A request that got no answer worth reading: no HTTP answer at all, or held back by a 429 pause. */
export type Unanswered = Extract<CallResult, { result: "retry" }>;

/** Sends requests for one `apply`; answers HTTP responses of any status, or a retry when none came. */
export interface ZitadelSession {
  send(request: ZitadelRequest): Promise<HttpResponse | Unanswered>;
}

type ClientConfig = Pick<
  ZitadelProviderConfig,
  "name" | "secretName" | "baseUrl" | "orgId" | "requestTimeoutMs" | "requestsPerSecond"
>;

/**
 * Talks to one ZITADEL instance: bearer tokens, the organisation header, pacing. Lives as long as the
 * provider, so the access token and the pacing carry over between applies.
 */
export class ZitadelClient {
  readonly #config: ClientConfig;
  readonly #deps: ClientDeps;
  readonly #tokens: AccessTokens;
  readonly #pacer: RequestPacer;
  readonly #baseUrl: string;

  constructor(config: ClientConfig, deps: ClientDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#baseUrl = config.baseUrl.replace(/\/+$/, "");
    this.#tokens = new AccessTokens(config, deps);
    this.#pacer = new RequestPacer(config.requestsPerSecond, deps.concurrency, deps.clock);
  }

  /**
   * Obtains a token up front, so that an unusable secret fails the apply once rather than every call.
   * No request of the session starts after `deadline` (epoch ms).
   */
  async open(deadline?: number): Promise<ZitadelSession> {
    await this.#tokens.current();
    let renewal: Promise<string> | undefined;
    /** A 401 means a rotated secret or a revoked token: renewed once per apply, whoever saw it first. */
    const renew = (stale: string) => {
      renewal ??= this.#tokens.renew(stale);
      return renewal.then((fresh) => (fresh === stale ? undefined : fresh));
    };
    return {
      send: async (request) => {
        const token = await authenticated(this.#tokens.current());
        if (typeof token !== "string") return token;
        const response = await this.#sendPaced(request, token, deadline);
        if (!("status" in response) || response.status !== 401) return response;
        const fresh = await authenticated(renew(token));
        if (typeof fresh !== "string") return fresh ?? response;
        return this.#sendPaced(request, fresh, deadline);
      },
    };
  }

  async #sendPaced(
    request: ZitadelRequest,
    token: string,
    deadline: number | undefined,
  ): Promise<HttpResponse | Unanswered> {
    const pausedFor = await this.#pacer.acquire(deadline);
    if (pausedFor === "deadline")
      return {
        result: "retry",
        reason: "no time left in this invocation to call ZITADEL within the rate limit",
      };
    if (pausedFor !== undefined)
      return {
        result: "retry",
        reason: `ZITADEL rate limit: paused for ${pausedFor} s`,
        retryAfterSeconds: pausedFor,
      };
    try {
      const response = await sendRequest(
        {
          method: request.method,
          url: `${this.#baseUrl}${request.path}`,
          headers: {
            authorization: `Bearer ${token}`,
            // The organisation context of management API calls; v2 requests carry it in the body or need none.
            ...(this.#config.orgId && request.path.startsWith("/management/")
              ? { "x-zitadel-orgid": this.#config.orgId }
              : {}),
          },
          ...(request.json === undefined ? {} : { json: request.json }),
          timeoutMs: this.#config.requestTimeoutMs,
        },
        this.#deps.fetch,
      );
      this.#deps.log.debug("ZITADEL call", {
        provider: this.#config.name,
        method: request.method,
        path: request.path,
        status: response.status,
      });
      if (response.status === 429) {
        const seconds = response.retryAfterSeconds ?? defaultRetryAfterSeconds;
        this.#deps.log.warn("ZITADEL rate limit hit", { provider: this.#config.name, seconds });
        this.#pacer.pause(seconds);
      }
      return response;
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return { result: "retry", reason: error.message };
    }
  }
}

/** The token, or the retry to answer when none can be had (unreadable secret, token endpoint failing). */
async function authenticated<T extends string | undefined>(token: Promise<T>): Promise<T | Unanswered> {
  try {
    return await token;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { result: "retry", reason: `cannot authenticate at ZITADEL: ${reason}` };
  }
}
