import { sendRequest } from "../../http/request.ts";
import { type HrApiDeps, type HrRead, joinUrl, readOutcome } from "../webhooks/hr-api.ts";

export interface PersonioApi {
  baseUrl: string;
  credentialsSecretName: string;
  requestTimeoutMs: number;
}

interface Token {
  value: string;
  expiresAt: number;
}

/**
 * Reads persons from Personio's v2 API with an OAuth client-credentials token (POST /v2/auth/token),
 * cached until shortly before it expires and fetched anew once when the API answers 401.
 */
export class PersonioReader {
  readonly #api: PersonioApi;
  readonly #deps: HrApiDeps;
  readonly #now: () => number;
  #token: Token | undefined;

  constructor(api: PersonioApi, deps: HrApiDeps, now: () => number = Date.now) {
    this.#api = api;
    this.#deps = deps;
    this.#now = now;
  }

  /** The person (GET /v2/persons/{id}) with its first employment under `employment`, when it has one. */
  async readPerson(person: string): Promise<HrRead> {
    const path = `/v2/persons/${encodeURIComponent(person)}`;
    const read = await this.#get(path, `Personio person ${person}`);
    if (read.result !== "found") return read;
    const employmentId = firstEmploymentId(read.record);
    if (employmentId === undefined) return read;
    const employment = await this.#get(
      `${path}/employments/${encodeURIComponent(employmentId)}`,
      `Personio employment ${employmentId}`,
    );
    if (employment.result === "retry") return employment;
    if (employment.result === "rejected") return read;
    return { result: "found", record: { ...(read.record as object), employment: employment.record } };
  }

  async #get(path: string, what: string): Promise<HrRead> {
    let response = await this.#send(path, await this.#bearer(false));
    if (response.status === 401) response = await this.#send(path, await this.#bearer(true));
    return readOutcome(response, what);
  }

  #send(path: string, token: string) {
    return sendRequest(
      {
        method: "GET",
        url: joinUrl(this.#api.baseUrl, path),
        headers: { authorization: `Bearer ${token}` },
        timeoutMs: this.#api.requestTimeoutMs,
      },
      this.#deps.fetch,
    );
  }

  async #bearer(renew: boolean): Promise<string> {
    if (!renew && this.#token && this.#token.expiresAt > this.#now()) return this.#token.value;
    const credentials = await this.#deps.secrets.read(this.#api.credentialsSecretName, { fresh: renew });
    const separator = credentials.indexOf(":");
    const response = await sendRequest(
      {
        method: "POST",
        url: joinUrl(this.#api.baseUrl, "/v2/auth/token"),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: credentials.slice(0, separator),
          client_secret: credentials.slice(separator + 1),
        }).toString(),
        timeoutMs: this.#api.requestTimeoutMs,
      },
      this.#deps.fetch,
    );
    const body = response.json as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (response.status !== 200 || typeof body?.access_token !== "string")
      throw new Error(`Personio token request answered ${response.status}`);
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
    // Renewed a minute early so a token never expires between our check and Personio's.
    this.#token = { value: body.access_token, expiresAt: this.#now() + lifetimeMs - 60_000 };
    return body.access_token;
  }
}

function firstEmploymentId(record: unknown): string | undefined {
  const employments = (record as { employments?: unknown }).employments;
  const first: unknown = Array.isArray(employments) ? employments[0] : undefined;
  const id = (first as { id?: unknown } | undefined)?.id;
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}
