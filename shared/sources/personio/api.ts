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
    const read = await this.#get(`/v2/persons/${encodeURIComponent(person)}`, `Personio person ${person}`);
    return read.result === "found" ? this.withEmployment(read.record) : read;
  }

  /**
   * One page of GET /v2/persons?limit=…&cursor=…: `{ _data: [person…], _meta: { links: { next: { href } } } }`,
   * the next link absent on the last page.
   */
  listPersons(limit: number, cursor: string | undefined): Promise<HrRead> {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
    return this.#get(`/v2/persons?${query}`, "Personio persons list");
  }

  /**
   * A person record with its first employment (GET /v2/persons/{id}/employments/{employment id}) under
   * `employment`; as it is when the person has none or the employment is gone.
   */
  async withEmployment(record: unknown): Promise<HrRead> {
    const employmentId = firstEmploymentId(record);
    const personId = (record as { id?: unknown }).id;
    if (employmentId === undefined || (typeof personId !== "string" && typeof personId !== "number"))
      return { result: "found", record };
    const employment = await this.#get(
      `/v2/persons/${encodeURIComponent(personId)}/employments/${encodeURIComponent(employmentId)}`,
      `Personio employment ${employmentId}`,
    );
    if (employment.result === "retry") return employment;
    if (employment.result === "rejected") return { result: "found", record };
    return { result: "found", record: { ...(record as object), employment: employment.record } };
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
