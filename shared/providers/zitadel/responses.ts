import type { HttpResponse } from "../../http/request.ts";
import { errorBodySchema } from "./wire.ts";

/** What one request achieved. */
export type CallResult =
  | { result: "done" }
  /** `idTaken`: the caller-chosen user id is in use (a create that landed before), not the username. */
  | { result: "exists"; reason: string; idTaken?: true }
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
  /**
   * The id of the place that raised the error, e.g. "COMMAND-3M9ds": the one stable part of an error.
   * ZITADEL translates messages into the caller's (or the instance's) language, so they are for people.
   */
  id?: string;
  /** ZITADEL's message, e.g. "User could not be found (COMMAND-3M9ds)". */
  message: string;
}

/** The id ZITADEL appends to every message it raises: "… (COMMAND-3M9ds)". */
const trailingId = /\(([A-Za-z]+-[A-Za-z0-9]+)\)\s*$/;

/** Reads an error body in either form ZITADEL uses; falls back to the start of the raw text. */
export function readError(response: HttpResponse): ZitadelErrorInfo {
  const parsed = errorBodySchema.safeParse(response.json);
  if (!parsed.success) return { message: response.text.slice(0, 200) };
  const { code, message, details } = parsed.data;
  const name = typeof code === "number" ? grpcCodeNames[code] : code;
  // Details repeat the message without its id, or add the untranslated key: only news is kept.
  const detail = details?.find((entry) => entry.message && !message?.includes(entry.message))?.message;
  const text = [message, detail].filter(Boolean).join(": ");
  const id =
    details?.map((entry) => entry.id ?? entry.debug?.id).find(Boolean) ?? trailingId.exec(message ?? "")?.[1];
  return {
    ...(name ? { code: name } : {}),
    ...(id ? { id } : {}),
    message: text || response.text.slice(0, 200),
  };
}

/**
 * The management API refuses updates that change nothing with FailedPrecondition; for idp-sync that means
 * the part already matches. Recognised by id, since the message is translated: username COMMAND-6m9gs,
 * profile COMMAND-2M0fs, e-mail COMMAND-2b7fM, phone COMMAND-wF94r (internal/command/user*.go), and
 * COMMAND-Uch5e, the id of the same refusal in the newer e-mail and phone commands.
 */
const notChangedIds = new Set([
  "COMMAND-6m9gs",
  "COMMAND-2M0fs",
  "COMMAND-2b7fM",
  "COMMAND-wF94r",
  "COMMAND-Uch5e",
]);

/** AddHumanUser with a user id already in use (internal/command/user_v2_human.go): FailedPrecondition. */
export const userIdTakenId = "COMMAND-7yiox1isql";

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
  if (error.id === userIdTakenId) return { result: "exists", reason, idTaken: true };
  if (status === 409 || error.code === "already_exists") return { result: "exists", reason };
  if (error.code === "failed_precondition" || status === 412) {
    return error.id && notChangedIds.has(error.id) ? { result: "done" } : { result: "precondition", reason };
  }
  return { result: "rejected", reason };
}
