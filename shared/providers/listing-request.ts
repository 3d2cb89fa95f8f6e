import type { HttpResponse } from "../http/request.ts";
import type { Clock } from "../http/token-bucket.ts";

/** What a provider session answers: an HTTP response, or no answer worth reading (with a pause to keep). */
export type SessionAnswer = HttpResponse | { result: "retry"; reason: string; retryAfterSeconds?: number };

const attempts = 6;
const firstBackoffMs = 500;

/**
 * Sends one request of a listing until it is answered 2xx, riding out rate limits (the provider's
 * Retry-After), 5xx answers and lost answers a few times. Throws with the reason otherwise: a listing with
 * a missing page must not be mistaken for a complete one.
 */
export async function sendListingRequest(
  send: () => Promise<SessionAnswer>,
  clock: Clock,
): Promise<HttpResponse> {
  let reason = "";
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const answer = await send();
    if ("status" in answer && answer.status >= 200 && answer.status < 300) return answer;
    const transient = !("status" in answer) || answer.status === 429 || answer.status >= 500;
    reason = "status" in answer ? `HTTP ${answer.status} ${answer.text.slice(0, 200)}` : answer.reason;
    if (!transient) break;
    const retryAfterSeconds = answer.retryAfterSeconds;
    await clock.sleep(
      retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : firstBackoffMs * 2 ** attempt,
    );
  }
  throw new Error(reason);
}
