import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import { applyPatch } from "../../sync/diff.ts";
import type { PlannedOperation } from "../../sync/plan.ts";
import { toZitadelPassword, type ZitadelPassword } from "./password.ts";
import type { UserApi } from "./requests.ts";
import { zitadelUserIdFor } from "./user-id.ts";
import { diffViews, toZitadelView, type ViewChange, type ZitadelView } from "./user-view.ts";

/** One piece of work on one ZITADEL user; an update may take several requests. */
export type Step =
  | { kind: "create"; view: ZitadelView; password?: ZitadelPassword; userId?: string }
  | { kind: "update"; change: ViewChange }
  | { kind: "status"; active: boolean }
  | { kind: "delete" };

export type OperationPlan =
  | {
      /** Steps to run in order. */
      steps: Step[];
      /** The username ZITADEL knows the user by, to find it when its id is unknown or stale. */
      userName?: string;
      /** The whole user ZITADEL should hold afterwards, for the fallbacks (absent for delete, deactivate). */
      target?: ZitadelView;
      password?: ZitadelPassword;
      /** What ZITADEL holds is unknown (unconfirmed state): find the user and diff from what it holds. */
      verify?: boolean;
      /** The id a create (first, or after a fallback) gives the user, where the API lets idp-sync choose. */
      createId?: string;
    }
  | { rejected: string };

type PlanConfig = Pick<ZitadelProviderConfig, "metadataKeys" | "orgId">;

/** The steps one planned operation needs. Pure. */
export function planOperation(operation: PlannedOperation, config: PlanConfig, api: UserApi): OperationPlan {
  const plan = planSteps(operation, config, api);
  if ("rejected" in plan || !api.choosesUserId) return plan;
  const createId = zitadelUserIdFor(operation.person, config.orgId);
  return {
    ...plan,
    createId,
    steps: plan.steps.map((step) => (step.kind === "create" ? { ...step, userId: createId } : step)),
  };
}

function planSteps(operation: PlannedOperation, config: PlanConfig, api: UserApi): OperationPlan {
  switch (operation.op) {
    case "create": {
      const mapped = toZitadelView(operation.user, config);
      if ("rejected" in mapped) return mapped;
      const password = toZitadelPassword(operation.secrets);
      if (password && "rejected" in password) return password;
      return {
        steps: createSteps(mapped.view, password, api),
        userName: mapped.view.userName,
        target: mapped.view,
        ...(password ? { password } : {}),
      };
    }
    case "delete":
      return { steps: [{ kind: "delete" }], ...userNameOf(operation.current.user.loginId) };
    case "status": {
      const mapped = toZitadelView({ ...operation.current.user, active: operation.active }, config);
      return {
        steps: [{ kind: "status", active: operation.active }],
        ...userNameOf(operation.current.user.loginId),
        // Only a reactivation recreates a vanished user; a deactivation is done once nobody can sign in.
        ...(operation.active && "view" in mapped ? { target: mapped.view } : {}),
      };
    }
    case "patch": {
      const after = toZitadelView(applyPatch(operation.current.user, operation.changes), config);
      if ("rejected" in after) return { rejected: `cannot apply this change: ${after.rejected}` };
      const before = toZitadelView(operation.current.user, config);
      return {
        steps: changeSteps(diffViews("view" in before ? before.view : undefined, after.view)),
        userName: operation.current.user.loginId ?? after.view.userName,
        target: after.view,
        ...(operation.current.unconfirmed ? { verify: true } : {}),
      };
    }
  }
}

const userNameOf = (loginId: string | undefined) => (loginId ? { userName: loginId } : {});

/** Create, then what the create request cannot carry: metadata (v1 import), a deactivation. */
export function createSteps(
  view: ZitadelView,
  password: ZitadelPassword | undefined,
  api: UserApi,
  userId?: string,
): Step[] {
  const steps: Step[] = [
    { kind: "create", view, ...(password ? { password } : {}), ...(userId ? { userId } : {}) },
  ];
  if (!api.createsMetadata && Object.keys(view.metadata).length > 0)
    steps.push({ kind: "update", change: { setMetadata: view.metadata, removeMetadata: [] } });
  if (!view.active) steps.push({ kind: "status", active: false });
  return steps;
}

/** The update and status steps a change needs, none when nothing differs. */
export function changeSteps(change: ViewChange): Step[] {
  const { active, ...parts } = change;
  const updates =
    parts.userName !== undefined ||
    parts.profile !== undefined ||
    parts.email !== undefined ||
    parts.phone !== undefined ||
    Object.keys(parts.setMetadata).length > 0 ||
    parts.removeMetadata.length > 0;
  return [
    ...(updates ? [{ kind: "update" as const, change: parts }] : []),
    ...(active === undefined ? [] : [{ kind: "status" as const, active }]),
  ];
}

/** Whether an operation's steps give up a username that a create in the same apply may want. */
export const freesUserName = (steps: readonly Step[]) =>
  steps.some(
    (step) => step.kind === "delete" || (step.kind === "update" && step.change.userName !== undefined),
  );
