import type { HttpResponse } from "../../http/request.ts";
import { loginIdKey } from "./batches.ts";
import {
  batchResponseSchema,
  descopeErrorCodes,
  descopeErrorSchema,
  type LoadedUser,
  loadResponseSchema,
  type ReturnedUser,
  singleUserResponseSchema,
} from "./wire.ts";

/** What one step achieved for one operation. */
export type StepResult =
  /** `loaded`: the user as Descope holds it, after a load. */
  | { result: "done"; userId?: string; loaded?: LoadedUser }
  | { result: "exists"; reason: string }
  | { result: "notFound"; reason: string }
  | { result: "retry"; reason: string; retryAfterSeconds?: number }
  | { result: "rejected"; reason: string };
export type StepFailure = Exclude<StepResult, { result: "done" }>;

/** Descope's documented backoff after a rate-limit hit, for a 429 that names no Retry-After. */
export const defaultRetryAfterSeconds = 60;

/**
 * Classifies a per-user failure text. Descope publishes no failure strings, so codes and phrases are
 * both matched; only phrases about the user count ("role not found" must not make a patch recreate the
 * user). A failure that names nothing transient is permanent.
 */
export function classifyFailure(text: string): StepFailure {
  const reason = `Descope: ${text}`;
  if (text.includes(descopeErrorCodes.userAlreadyExists) || /\buser\b.*\balready exists?\b/i.test(text))
    return { result: "exists", reason };
  if (text.includes(descopeErrorCodes.userNotFound) || /\buser\b.*\bnot found\b/i.test(text))
    return { result: "notFound", reason };
  if (/E1\d0429|rate limit|too many requests|internal|timeout|timed out|unavailable|try again/i.test(text))
    return { result: "retry", reason };
  return { result: "rejected", reason };
}

/** Classifies a non-2xx answer (a 401 here is one that persisted after re-reading the secret). */
export function classifyHttpError(response: HttpResponse): StepFailure {
  const parsed = descopeErrorSchema.safeParse(response.json);
  const detail = parsed.success
    ? [parsed.data.errorCode, parsed.data.errorDescription, parsed.data.errorMessage]
        .filter(Boolean)
        .join(": ")
    : response.text.slice(0, 200);
  const reason = `Descope answered HTTP ${response.status}${detail ? ` (${detail})` : ""}`;
  if (response.status === 429)
    return {
      result: "retry",
      reason,
      retryAfterSeconds: response.retryAfterSeconds ?? defaultRetryAfterSeconds,
    };
  if (response.status === 401 || response.status === 408 || response.status >= 500)
    return { result: "retry", reason };
  if (parsed.data?.errorCode === descopeErrorCodes.userAlreadyExists) return { result: "exists", reason };
  if (parsed.data?.errorCode === descopeErrorCodes.userNotFound) return { result: "notFound", reason };
  return { result: "rejected", reason };
}

/** A 2xx single-user answer (`{user}`, or nothing for a delete): the request took effect. */
export function readSingleResponse(json: unknown): StepResult {
  const parsed = singleUserResponseSchema.safeParse(json);
  const userId = parsed.success ? parsed.data.user.userId : undefined;
  return userId ? { result: "done", userId } : { result: "done" };
}

/** A 2xx answer to a load (`{user}`): the user as Descope holds it. */
export function readLoadResponse(json: unknown): StepResult {
  const parsed = loadResponseSchema.safeParse(json);
  if (!parsed.success) return { result: "retry", reason: "Descope's answer to the user load is unreadable" };
  const { user } = parsed.data;
  return { result: "done", loaded: user, ...(user.userId ? { userId: user.userId } : {}) };
}

/**
 * Maps a 2xx batch answer back to the operations of the batch, by loginId (or user id). An operation is
 * applied only when its user is listed as created/patched; failures with no user (or one that matches
 * nothing) are attributed only when they must belong to the remaining operations and agree on what
 * happened. Anything else left over is retried, never dropped.
 */
export function readBatchResponse(
  json: unknown,
  items: readonly { id: number; loginId: string }[],
  kind: "create" | "patch",
): Map<number, StepResult> {
  const results = new Map<number, StepResult>();
  const parsed = batchResponseSchema.safeParse(json);
  if (!parsed.success) {
    for (const { id } of items)
      results.set(id, { result: "retry", reason: "Descope's batch answer is unreadable" });
    return results;
  }
  const pending = new Map(items.map((item) => [item.id, loginIdKey(item.loginId)]));
  const claim = (user: Partial<ReturnedUser> | null | undefined): number | undefined => {
    if (!user) return undefined;
    const keys = new Set(
      [...(user.loginIds ?? []), user.loginId, user.userId].filter((key) => key !== undefined),
    );
    for (const [id, loginId] of pending) {
      if ([...keys].some((key) => loginIdKey(key) === loginId)) {
        pending.delete(id);
        return id;
      }
    }
    return undefined;
  };

  const { createdUsers, patchedUsers, failedUsers, additionalErrors } = parsed.data;
  for (const user of (kind === "create" ? createdUsers : patchedUsers) ?? []) {
    const id = claim(user);
    if (id !== undefined)
      results.set(id, user.userId ? { result: "done", userId: user.userId } : { result: "done" });
  }
  const unattributed: string[] = [];
  for (const failed of failedUsers ?? []) {
    const text = failed.failure || "failed without a reason";
    const id = claim(failed.user);
    if (id === undefined) unattributed.push(text);
    else results.set(id, classifyFailure(text));
  }
  const notes: string[] = [];
  for (const [key, text] of Object.entries(additionalErrors ?? {})) {
    const id = claim({ loginId: key });
    if (id === undefined) notes.push(`${key}: ${text}`);
    else results.set(id, classifyFailure(text));
  }

  const shared = sharedFailure(unattributed, pending.size);
  for (const id of pending.keys()) {
    results.set(
      id,
      shared ?? {
        result: "retry",
        reason: ["Descope neither confirmed nor reported this user", ...unattributed, ...notes].join("; "),
      },
    );
  }
  return results;
}

/** The failure every remaining operation must have had: enough unattributed failures, all of one kind. */
function sharedFailure(texts: readonly string[], remaining: number): StepFailure | undefined {
  if (remaining === 0 || texts.length < remaining) return undefined;
  const failures = texts.map(classifyFailure);
  const first = failures[0] as StepFailure;
  if (!failures.every((failure) => failure.result === first.result)) return undefined;
  return { ...first, reason: `Descope: ${[...new Set(texts)].join("; ")}` };
}
