import type { ProviderState } from "./person-record.ts";
import { acknowledge, type PlannedOperation } from "./plan.ts";
import type { OperationOutcome } from "./ports.ts";

/**
 * The provider state written ahead, with the merge, for an operation about to be sent: unconfirmed. A
 * request can take effect and its answer, or the whole invocation, be lost; the next plan must then have
 * the provider check what it holds instead of trusting the record — or a later change back to the
 * recorded value would look like nothing to do and leave the provider stale. A create keeps the user it
 * sends, to be found by its loginId. A delete needs none: it is planned again until acknowledged.
 */
export function intentOf(operation: PlannedOperation | undefined): ProviderState | undefined {
  switch (operation?.op) {
    case "create":
      return { user: operation.user, unconfirmed: true };
    case "patch":
    case "status":
      return { ...operation.current, unconfirmed: true };
    default:
      return undefined;
  }
}

/**
 * What to record for a planned operation once its provider answered (or never got it: held by the
 * deprovisioning guard, or retried): the acknowledgement; unconfirmed when it may have taken effect
 * unanswered (a timeout, a 5xx); the state before, when the provider refused or rejected it or it was not
 * sent (the intent is withdrawn). A create without an answer keeps its intent.
 */
export function stateAfter(
  operation: PlannedOperation,
  outcome: OperationOutcome | undefined,
): ProviderState | undefined {
  if (outcome?.result === "applied") return acknowledge(operation, outcome.userId);
  if (operation.op === "create" || operation.op === "delete") return undefined;
  // A retry with Retry-After is a refusal (429) that changed nothing.
  if (outcome?.result === "retry" && outcome.retryAfterSeconds === undefined)
    return { ...operation.current, unconfirmed: true };
  return operation.current;
}
