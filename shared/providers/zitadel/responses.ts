import type { HttpResponse } from "../../http/request.ts";
import { errorBodySchema } from "./wire.ts";

/** What one request achieved. */
export type CallResult =
  | { result: "done" }
  | { result: "exists"; reason: string }
  | { result: "notFound"; reason: string }
  /** The user is not in the state the request needs (FailedPrecondition), e.g. already deactivated. */
  | { result: "precondition"; reason: string }
  | { result: "retry"; reason: string; retryAfterSeconds?: number }
  | { result: "rejected"; reason: string };
export type CallFailure = Exclude<CallResult, { result: "done" }>;

/** ZITADEL's limit is per second: without a Retry-After, one second is the wait that can succeed. */
export const defaultRetryAfterSeconds = 1;

/** gRPC status codes as numbers (grpc-gateway bodies) and as Connect names. */
const grpcCodeNames: Record<number, string> = {
  1: "canceled",
  2: "unknown",
  3: "invalid_argument",
  4: "deadline_exceeded",
  5: "not_found",
  6: "already_exists",
  7: "permission_denied",
  8: "resource_exhausted",
  9: "failed_precondition",
  10: "aborted",
  11: "out_of_range",
  12: "unimplemented",
  13: "internal",
  14: "unavailable",
  15: "data_loss",
  16: "unauthenticated",
};

export interface ZitadelErrorInfo {
  /** The Connect name of the gRPC code, whichever form the body used. */
  code?: string;
  /** ZITADEL's message, e.g. "User could not be found (COMMAND-3M9ds)". */
  message: string;
}

/** Reads an error body in either form ZITADEL uses; falls back to the start of the raw text. */
export function readError(response: HttpResponse): ZitadelErrorInfo {
  const parsed = errorBodySchema.safeParse(response.json);
  if (!parsed.success) return { message: response.text.slice(0, 200) };
  const { code, message, details } = parsed.data;
  const name = typeof code === "number" ? grpcCodeNames[code] : code;
  // Details repeat the message without its id, or add the untranslated key: only news is kept.
  const detail = details?.find((entry) => entry.message && !message?.includes(entry.message))?.message;
  const text = [message, detail].filter(Boolean).join(": ");
  return { ...(name ? { code: name } : {}), message: text || response.text.slice(0, 200) };
}

/**
 * ZITADEL refuses updates that change nothing with FailedPrecondition "… not changed"
 * (Errors.User.Email.NotChanged and its siblings); for idp-sync that means the part already matches.
 */
const notChanged = /not ?changed/i;

/** Classifies an answer by its HTTP status first, then by the gRPC code ZITADEL put in the body. */
export function classifyResponse(response: HttpResponse): CallResult {
  if (response.status >= 200 && response.status < 300) return { result: "done" };
  const error = readError(response);
  const reason = `ZITADEL answered HTTP ${response.status}${error.code ? ` ${error.code}` : ""}${
    error.message ? ` (${error.message})` : ""
  }`;
  const { status } = response;
  if (status === 429)
    return {
      result: "retry",
      reason,
      retryAfterSeconds: response.retryAfterSeconds ?? defaultRetryAfterSeconds,
    };
  if (status === 401 || status === 408) return { result: "retry", reason };
  // A 503 may say how long ZITADEL expects to be down (RFC 9110 §10.2.3); the retry waits at least that.
  if (status >= 500)
    return response.retryAfterSeconds === undefined
      ? { result: "retry", reason }
      : { result: "retry", reason, retryAfterSeconds: response.retryAfterSeconds };
  if (status === 404) return { result: "notFound", reason };
  if (status === 409 || error.code === "already_exists") return { result: "exists", reason };
  if (error.code === "failed_precondition" || status === 412) {
    return notChanged.test(error.message) ? { result: "done" } : { result: "precondition", reason };
  }
  return { result: "rejected", reason };
}
