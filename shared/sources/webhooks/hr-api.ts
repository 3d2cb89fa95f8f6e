import type { Fetch, HttpResponse } from "../../http/request.ts";
import type { SecretReader } from "../../ports/common.ts";

/** The employee as an HR API returned it, or why not (to retry later, or never). */
export type HrRead =
  | { result: "found"; record: unknown }
  | { result: "retry"; reason: string; retryAfterSeconds?: number }
  | { result: "rejected"; reason: string };

export interface HrApiDeps {
  secrets: SecretReader;
  fetch?: Fetch;
}

/**
 * Classifies an HR API answer. 404 is rejected, not turned into a deletion: a wrong base URL or a lost
 * permission would otherwise remove everyone, while a real deletion arrives as its own delete event.
 * 401 is retried (a key being rotated), 403 and other 4xx are configuration errors for the dead-letter queue.
 */
export function readOutcome(response: HttpResponse, what: string): HrRead {
  if (response.status >= 200 && response.status < 300) {
    if (response.json !== null && typeof response.json === "object")
      return { result: "found", record: response.json };
    return { result: "rejected", reason: `${what}: the HR API answered without a JSON object` };
  }
  const reason = `${what}: the HR API answered ${response.status}`;
  if (response.status === 404) return { result: "rejected", reason: `${reason} (not found)` };
  if (response.status === 401 || response.status === 408 || response.status === 429 || response.status >= 500)
    return response.retryAfterSeconds === undefined
      ? { result: "retry", reason }
      : { result: "retry", reason, retryAfterSeconds: response.retryAfterSeconds };
  return { result: "rejected", reason };
}

export const basicAuth = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;

export const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, "")}${path}`;
