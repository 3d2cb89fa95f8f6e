import type { Log } from "../../sync/ports.ts";
import { type BatchCreateOptions, type DescopeCall, toDescopeRequest } from "./batches.ts";
import type { DescopeSession } from "./client.ts";
import {
  classifyHttpError,
  readBatchResponse,
  readLoadResponse,
  readSingleResponse,
  type StepResult,
} from "./responses.ts";

/**
 * Sends one call and tells, per operation it carries, what came of it. A batch Descope refuses as a whole
 * (a 4xx that is not about rate or authentication) is split in halves and re-sent, so one bad user, or a
 * batch larger than Descope's unpublished maximum, cannot fail the others: failures stay per user.
 */
export async function sendCall(
  call: DescopeCall,
  session: DescopeSession,
  options: BatchCreateOptions & { name: string },
  log: Log,
): Promise<Map<number, StepResult>> {
  const ids = call.kind === "single" ? [call.id] : call.items.map((item) => item.id);
  const forAll = (result: StepResult) => new Map(ids.map((id) => [id, result]));
  const request = toDescopeRequest(call, options);
  let response: Awaited<ReturnType<DescopeSession["send"]>>;
  try {
    response = await session.send(request);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error("Descope call failed", { provider: options.name, path: request.path, reason });
    return forAll({ result: "retry", reason });
  }
  if (!("status" in response)) return forAll(response);
  if (response.status >= 200 && response.status < 300) {
    if (call.kind === "single")
      return forAll(
        call.step.kind === "load" ? readLoadResponse(response.json) : readSingleResponse(response.json),
      );
    // A batch delete answers nothing per user: the users are gone, or were already.
    if (call.kind === "delete") return forAll({ result: "done" });
    const items = call.items.map((item) => ({ id: item.id, loginId: item.user.loginId }));
    return readBatchResponse(response.json, items, call.kind);
  }
  const failure = classifyHttpError(response);
  if (call.kind === "single" || call.items.length === 1 || failure.result === "retry") return forAll(failure);
  log.warn("Descope refused a whole batch, splitting it", {
    provider: options.name,
    path: request.path,
    users: call.items.length,
    status: response.status,
  });
  const results = new Map<number, StepResult>();
  for (const half of splitInHalves(call)) {
    for (const [id, result] of await sendCall(half, session, options, log)) results.set(id, result);
  }
  return results;
}

function splitInHalves(call: Exclude<DescopeCall, { kind: "single" }>): DescopeCall[] {
  const middle = Math.ceil(call.items.length / 2);
  return [
    { ...call, items: call.items.slice(0, middle) },
    { ...call, items: call.items.slice(middle) },
  ] as DescopeCall[];
}
