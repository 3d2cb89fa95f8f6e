import { parseRetryAfter } from "./retry-after.ts";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON when present. */
  json?: unknown;
  /** Sent as is (e.g. a form-encoded token request) when present. */
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is empty or not JSON (see `text`). */
  json: unknown;
  text: string;
  retryAfterSeconds: number | undefined;
}

/** A request that got no HTTP answer at all (timeout, refused, reset): always worth retrying. */
export class TransportError extends Error {
  override readonly name = "TransportError";
}

export type Fetch = typeof fetch;

/** One HTTP exchange with a deadline; never throws for an HTTP status, only for a missing answer. */
export async function sendRequest(request: HttpRequest, fetchImpl: Fetch = fetch): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  let body: string | undefined = request.body;
  if (request.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.json);
  }
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new TransportError(`${request.method} ${new URL(request.url).pathname} got no answer (${reason})`);
  }
  return {
    status: response.status,
    headers: response.headers,
    json: parseJson(text),
    text,
    retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after"), Date.now()),
  };
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
