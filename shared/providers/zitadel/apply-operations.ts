import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import { forEachLimited } from "../../http/concurrency.ts";
import type { PlannedOperation } from "../../sync/plan.ts";
import type { Log, OperationOutcome } from "../../sync/ports.ts";
import type { ZitadelClient, ZitadelSession } from "./client.ts";
import { freesUserName, type OperationPlan, planOperation } from "./operation-plan.ts";
import { userApiFor } from "./requests.ts";
import { UserOperation } from "./user-operation.ts";

type Runnable = {
  index: number;
  operation: PlannedOperation;
  plan: Extract<OperationPlan, { steps: unknown }>;
};

/**
 * Applies operations, each as its own sequence of requests (ZITADEL has no batch user endpoints), at
 * most `maxConcurrency` users at a time. Operations that give up a username (deletes, renames) run
 * first, so that a joiner taking a leaver's username in the same batch finds it free instead of taking
 * over the leaver's account. Every operation ends with exactly one outcome.
 */
export async function applyOperations(
  operations: readonly PlannedOperation[],
  config: ZitadelProviderConfig,
  client: ZitadelClient,
  log: Log,
  deadline?: number,
): Promise<OperationOutcome[]> {
  const api = userApiFor(config.api);
  const outcomes: OperationOutcome[] = [];
  const runnable: Runnable[] = [];
  operations.forEach((operation, index) => {
    const plan = planOperation(operation, config, api);
    if ("rejected" in plan)
      outcomes[index] = { person: operation.person, result: "rejected", reason: plan.rejected };
    else runnable.push({ index, operation, plan });
  });
  if (runnable.length === 0) return outcomes;

  let session: ZitadelSession;
  try {
    session = await client.open(deadline);
  } catch (error) {
    const reason = `cannot call ZITADEL: ${error instanceof Error ? error.message : String(error)}`;
    log.error("ZITADEL unavailable for this batch", { provider: config.name, reason });
    for (const { index, operation } of runnable)
      outcomes[index] = { person: operation.person, result: "retry", reason };
    return outcomes;
  }

  const run = async ({ index, operation, plan }: Runnable) => {
    const userId = operation.op === "create" ? undefined : operation.current.userId;
    const settled = await new UserOperation(plan, {
      session,
      api,
      config,
      log,
      person: operation.person,
    }).run(userId);
    outcomes[index] = { person: operation.person, ...settled } as OperationOutcome;
  };
  const freeing = runnable.filter((item) => freesUserName(item.plan.steps));
  await forEachLimited(freeing, config.maxConcurrency, run);
  await forEachLimited(
    runnable.filter((item) => !freeing.includes(item)),
    config.maxConcurrency,
    run,
  );
  return outcomes;
}
