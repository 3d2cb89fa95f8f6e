import type { DescopeProviderConfig } from "../../config/descope.ts";
import type { ClientDeps } from "../../http/client-deps.ts";
import { type HttpResponse, sendRequest, TransportError } from "../../http/request.ts";
import { type DescopeRequest, paths } from "./batches.ts";
import { type DescopeCredentials, descopeBaseUrl, parseManagementSecret } from "./credentials.ts";
import { RequestBudgets } from "./request-budgets.ts";
import { defaultRetryAfterSeconds, type StepResult } from "./responses.ts";
import { licenseResponseSchema } from "./wire.ts";

/** A request that got no answer worth reading: no HTTP answer at all, or held back by a 429 pause. */
export type Unanswered = Extract<StepResult, { result: "retry" }>;

/** Sends requests for one `apply`; answers HTTP responses of any status, or a retry when none came. */
export interface DescopeSession {
  send(request: DescopeRequest): Promise<HttpResponse | Unanswered>;
}

type ClientConfig = Pick<
  DescopeProviderConfig,
  "name" | "secretName" | "baseUrl" | "requestTimeoutMs" | "rateLimits"
>;

/**
 * Talks to one Descope project: authentication from the secret, the rate-limit tier header, pacing per
 * path. Lives as long as the provider, so pacing and the license tier carry over between applies.
 */
export class DescopeClient {
  readonly #config: ClientConfig;
  readonly #deps: ClientDeps;
  readonly #budgets: RequestBudgets;
  #licenseTier: string | undefined;

  constructor(config: ClientConfig, deps: ClientDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#budgets = new RequestBudgets(config.rateLimits, deps.concurrency, deps.clock);
  }

  /**
   * Reads the secret (the reader caches it) and, until it once succeeded, asks for the license tier.
   * No request of the session starts after `deadline` (epoch ms).
   */
  async open(deadline?: number): Promise<DescopeSession> {
    let credentials = this.#readCredentials(false);
    await this.#learnLicenseTier(await credentials);
    let refreshed = false;
    /** After a 401 the key may have been rotated: re-read it once per apply, whoever saw the 401 first. */
    const refresh = (stale: DescopeCredentials) => {
      if (!refreshed) {
        refreshed = true;
        credentials = this.#readCredentials(true);
      }
      return credentials.then((fresh) => (fresh === stale ? undefined : fresh));
    };
    return {
      send: async (request) => {
        const used = await credentials;
        const response = await this.#sendPaced(request, used, deadline);
        if ("status" in response && response.status === 401) {
          const fresh = await refresh(used);
          if (fresh) return this.#sendPaced(request, fresh, deadline);
        }
        return response;
      },
    };
  }

  async #sendPaced(
    request: DescopeRequest,
    credentials: DescopeCredentials,
    deadline: number | undefined,
  ): Promise<HttpResponse | Unanswered> {
    const pausedFor = await this.#budgets.acquire(request.path, deadline);
    if (pausedFor === "deadline")
      return {
        result: "retry",
        reason: `no time left in this invocation to call ${request.path} within the rate limit`,
      };
    if (pausedFor !== undefined) {
      return {
        result: "retry",
        reason: `Descope rate limit on ${request.path}: paused for ${pausedFor} s`,
        retryAfterSeconds: pausedFor,
      };
    }
    try {
      const response = await this.#exchange(request, credentials);
      this.#deps.log.debug("Descope call", {
        provider: this.#config.name,
        path: request.path,
        status: response.status,
      });
      if (response.status === 429) {
        const seconds = response.retryAfterSeconds ?? defaultRetryAfterSeconds;
        this.#deps.log.warn("Descope rate limit hit", {
          provider: this.#config.name,
          path: request.path,
          seconds,
        });
        this.#budgets.pause(request.path, seconds);
      }
      return response;
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return { result: "retry", reason: error.message };
    }
  }

  #exchange(request: DescopeRequest, credentials: DescopeCredentials): Promise<HttpResponse> {
    const baseUrl = (this.#config.baseUrl ?? descopeBaseUrl(credentials.projectId)).replace(/\/+$/, "");
    return sendRequest(
      {
        method: request.method,
        url: `${baseUrl}${request.path}${request.query ? `?${new URLSearchParams(request.query)}` : ""}`,
        headers: {
          authorization: credentials.authorization,
          ...(this.#licenseTier ? { "x-descope-license": this.#licenseTier } : {}),
        },
        ...(request.json === undefined ? {} : { json: request.json }),
        timeoutMs: this.#config.requestTimeoutMs,
      },
      this.#deps.fetch,
    );
  }

  async #readCredentials(fresh: boolean): Promise<DescopeCredentials> {
    const value = await this.#deps.secrets.read(this.#config.secretName, { fresh });
    return parseManagementSecret(value, this.#config.secretName);
  }

  /**
   * Without `x-descope-license` Descope puts management calls in its lowest rate-limit tier. A failed
   * handshake is not worth failing the sync for: the calls go out without the header, and the next apply
   * asks again.
   */
  async #learnLicenseTier(credentials: DescopeCredentials): Promise<void> {
    if (this.#licenseTier) return;
    try {
      const response = await this.#exchange({ method: "GET", path: paths.license }, credentials);
      const parsed = licenseResponseSchema.safeParse(response.json);
      if (response.status === 200 && parsed.success) this.#licenseTier = parsed.data.rateLimitTier;
      else
        this.#deps.log.warn("Descope license handshake failed", {
          provider: this.#config.name,
          status: response.status,
        });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      this.#deps.log.warn("Descope license handshake failed", {
        provider: this.#config.name,
        reason: error.message,
      });
    }
  }
}
