import type { DescopeProviderConfig } from "../../config/descope.ts";
import { forEachLimited } from "../../http/concurrency.ts";
import type { CanonicalUser, ImportSecrets } from "../../model/user.ts";
import type { PlannedOperation } from "../../sync/plan.ts";
import type { Log, OperationOutcome } from "../../sync/ports.ts";
import { type DescopeCall, type PlannedStep, planDescopeBatches } from "./batches.ts";
import type { DescopeClient, DescopeSession } from "./client.ts";
import type { AddressableUser } from "./mapping.ts";
import {
  adoptStep,
  afterRenameSteps,
  planOperation,
  recreateStep,
  type Step,
  stepsAfterLoad,
  unconfirmedValues,
} from "./operation-steps.ts";
import type { StepResult } from "./responses.ts";
import { sendCall } from "./send-call.ts";
import type { LoadedUser } from "./wire.ts";

/** Calls of one apply in flight at once: enough to overlap latency, few enough to pace smoothly. */
const parallelCalls = 4;

interface Progress {
  id: number;
  person: string;
  /** What is left to send for this operation; the head is sent in the next round. */
  steps: Step[];
  target?: AddressableUser;
  secrets?: ImportSecrets;
  previous?: CanonicalUser;
  /** Each fallback at most once, so create → exists → patch → not found → create cannot loop. */
  fallbacks: Set<"adopt" | "recreate" | "renamed">;
  userId?: string;
}

type WithoutPerson<T> = T extends unknown ? Omit<T, "person"> : never;
/** An operation's outcome before the person is attached. */
type Settled = WithoutPerson<OperationOutcome>;

const stepLabels: Record<Step["kind"], string> = {
  create: "create",
  patch: "patch",
  overwrite: "update",
  rename: "loginId change",
  delete: "delete",
  load: "load",
};

/**
 * Applies operations in rounds: each round sends the next step of every unfinished operation, batched.
 * Results decide what follows: the next step, a fallback ("already exists" on create → patch the existing
 * user; "not found" → create it), or the outcome. Every operation ends with exactly one outcome.
 */
export async function applyOperations(
  operations: readonly PlannedOperation[],
  config: DescopeProviderConfig,
  client: DescopeClient,
  log: Log,
  deadline?: number,
): Promise<OperationOutcome[]> {
  const outcomes: OperationOutcome[] = [];
  const settle = (progress: { id: number; person: string }, settled: Settled) => {
    outcomes[progress.id] = { person: progress.person, ...settled } as OperationOutcome;
  };
  let active: Progress[] = [];
  operations.forEach((operation, id) => {
    const plan = planOperation(operation, config);
    if ("rejected" in plan)
      settle({ id, person: operation.person }, { result: "rejected", reason: plan.rejected });
    else {
      const userId = operation.op === "create" ? undefined : operation.current.userId;
      active.push({
        id,
        person: operation.person,
        fallbacks: new Set(),
        ...plan,
        ...(userId ? { userId } : {}),
      });
    }
  });

  let session: DescopeSession | undefined;
  try {
    if (active.some((progress) => progress.steps.length > 0)) session = await client.open(deadline);
  } catch (error) {
    const reason = `cannot call Descope: ${error instanceof Error ? error.message : String(error)}`;
    log.error("Descope unavailable for this batch", { provider: config.name, reason });
    for (const progress of active) settle(progress, { result: "retry", reason });
    return outcomes;
  }

  while (active.length > 0) {
    const next: Progress[] = [];
    for (const progress of active) {
      if (progress.steps.length === 0) settle(progress, applied(progress.userId));
      else next.push(progress);
    }
    active = next;
    if (active.length === 0 || !session) break;
    const round = active.map((progress) => ({ id: progress.id, step: progress.steps[0] as Step }));
    const results = await runRound(round, session, config, log);
    active = active.filter((progress) => {
      const result = results.get(progress.id) ?? { result: "retry", reason: "no result for this user" };
      const settled = advance(progress, result, config);
      if (settled) settle(progress, settled);
      return settled === undefined;
    });
  }
  return outcomes;
}

async function runRound(
  steps: readonly PlannedStep[],
  session: DescopeSession,
  config: DescopeProviderConfig,
  log: Log,
): Promise<Map<number, StepResult>> {
  const calls = planDescopeBatches(steps, config.maxUsersPerBatch);
  // Deletes and loginId changes go first: they free loginIds that a create in the same round may reuse
  // (a joiner taking a leaver's e-mail), which would otherwise hit "already exists" and take the old account.
  const freeing = calls.filter(
    (call) =>
      call.kind === "delete" ||
      (call.kind === "single" && (call.step.kind === "delete" || call.step.kind === "rename")),
  );
  const results = new Map<number, StepResult>();
  for (const wave of [freeing, calls.filter((call) => !freeing.includes(call))]) {
    await forEachLimited(wave, parallelCalls, async (call: DescopeCall) => {
      for (const [id, result] of await sendCall(call, session, config, log)) results.set(id, result);
    });
  }
  return results;
}

/** Moves an operation on after its step's result; returns its outcome once it has one. */
function advance(progress: Progress, result: StepResult, config: DescopeProviderConfig): Settled | undefined {
  const step = progress.steps[0] as Step;
  const label = stepLabels[step.kind];
  switch (result.result) {
    case "done":
      if (result.userId) progress.userId = result.userId;
      progress.steps.shift();
      if (step.kind === "load") return afterLoad(progress, step, result.loaded, config);
      return progress.steps.length === 0 ? applied(progress.userId) : undefined;
    case "exists":
      if (step.kind !== "create") return { result: "rejected", reason: `${label}: ${result.reason}` };
      return fallBack(progress, "adopt", `${label}: ${result.reason}`, (target) => [
        adoptStep(target, config),
      ]);
    case "notFound":
      // Nothing left to delete is what a delete wants.
      if (step.kind === "delete") return applied(progress.userId);
      if (step.kind === "create") return { result: "rejected", reason: `${label}: ${result.reason}` };
      if (step.kind === "rename" && !progress.fallbacks.has("renamed"))
        return fallBack(progress, "renamed", `${label}: ${result.reason}`, (target) =>
          afterRenameSteps(target, config),
        );
      return fallBack(progress, "recreate", `${label}: ${result.reason}`, (target) => [
        recreateStep(target, config, progress.secrets),
      ]);
    case "retry":
      return {
        result: "retry",
        reason: `${label}: ${result.reason}`,
        ...(result.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: result.retryAfterSeconds }),
      };
    case "rejected":
      return { result: "rejected", reason: `${label}: ${result.reason}` };
  }
}

/** A load either plans what follows from what Descope holds, or confirms that a patch took effect. */
function afterLoad(
  progress: Progress,
  step: Extract<Step, { kind: "load" }>,
  loaded: LoadedUser | undefined,
  config: DescopeProviderConfig,
): Settled | undefined {
  if (!loaded) return { result: "retry", reason: "load: Descope returned no user" };
  if (step.confirm) {
    const kept = unconfirmedValues(loaded, step.loginId, step.confirm);
    if (kept.length > 0)
      return {
        result: "rejected",
        reason:
          `Descope kept ${kept.join(" and ")} after a patch that removed them (its patch may ignore ` +
          "such removals): change them in the Descope console, or use the full update",
      };
  } else if (progress.target) {
    progress.steps = [
      ...stepsAfterLoad(loaded, progress.target, progress.previous, config),
      ...progress.steps,
    ];
  }
  return progress.steps.length === 0 ? applied(progress.userId) : undefined;
}

function fallBack(
  progress: Progress,
  kind: "adopt" | "recreate" | "renamed",
  reason: string,
  steps: (target: AddressableUser) => Step[],
): Settled | undefined {
  if (!progress.target)
    return { result: "rejected", reason: `${reason}; no loginId is known to create it with` };
  // Descope contradicted itself (exists, then gone, or the reverse): let the queue try again later.
  if (progress.fallbacks.has(kind)) return { result: "retry", reason: `${reason} (after a fallback)` };
  progress.fallbacks.add(kind);
  progress.steps = steps(progress.target);
  return undefined;
}

const applied = (userId: string | undefined): Settled =>
  userId ? { result: "applied", userId } : { result: "applied" };
