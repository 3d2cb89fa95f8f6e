import type { CanonicalUser, ImportSecrets } from "../../model/user.ts";
import { applyPatch } from "../../sync/diff.ts";
import type { ProviderState } from "../../sync/person-record.ts";
import type { PlannedOperation } from "../../sync/plan.ts";
import {
  type AddressableUser,
  type DescopeMappingConfig,
  diffDescopeProfiles,
  toDescopeAdoptingPatch,
  toDescopeCreateUser,
  toDescopeOverwriteUser,
  toDescopeProfile,
  toDescopeStatus,
} from "./mapping.ts";
import type { DescopeCreateUser, DescopePatchUser } from "./wire.ts";

/** One Descope request's worth of work for one operation; create and patch steps are batched. */
export type Step =
  | { kind: "create"; user: DescopeCreateUser }
  | { kind: "patch"; user: DescopePatchUser }
  /** `POST /v1/mgmt/user/update`: replaces every field, the only way to remove a text field. */
  | { kind: "overwrite"; user: DescopeCreateUser }
  | { kind: "rename"; loginId: string; newLoginId: string }
  | { kind: "delete"; loginId: string };

export type OperationPlan =
  | {
      /** Requests to send in order; empty when nothing Descope holds changes. */
      steps: Step[];
      /** The whole user Descope should hold afterwards, for the fallbacks (absent for a delete). */
      target?: AddressableUser;
      secrets?: ImportSecrets;
    }
  | { rejected: string };

/**
 * How a Descope user is addressed: by the loginId it was given, else by its user id (Descope's `loginId`
 * fields accept both). Unconfirmed, by its id first: a rename that landed unrecorded left it under
 * neither the recorded nor the wanted loginId.
 */
const addressOf = (current: ProviderState) =>
  current.unconfirmed ? (current.userId ?? current.user.loginId) : (current.user.loginId ?? current.userId);

const unaddressable = { rejected: "neither a loginId nor a Descope user id is known for this user" };

/** The requests one planned operation needs, in order. Pure. */
export function planOperation(operation: PlannedOperation, config: DescopeMappingConfig): OperationPlan {
  switch (operation.op) {
    case "create": {
      const { user, secrets } = operation;
      if (!user.loginId) return { rejected: "cannot create a Descope user without a loginId" };
      const target = { ...user, loginId: user.loginId };
      return {
        steps: [{ kind: "create", user: toDescopeCreateUser(target, config, secrets) }],
        target,
        ...(secrets ? { secrets } : {}),
      };
    }
    case "delete": {
      const loginId = addressOf(operation.current);
      return loginId ? { steps: [{ kind: "delete", loginId }] } : unaddressable;
    }
    case "status": {
      const loginId = addressOf(operation.current);
      if (!loginId) return unaddressable;
      const user = { ...operation.current.user, active: operation.active };
      return {
        steps: [{ kind: "patch", user: { loginId, status: toDescopeStatus(operation.active) } }],
        ...addressable(user),
      };
    }
    case "patch":
      return planPatch(operation.current, operation, config);
  }
}

/**
 * A loginId change goes first (update/loginid), everything else follows under the new loginId. Changed
 * fields ride in a batch patch, unless one must be removed and only a full overwrite can; a status change
 * then follows as its own patch, since the overwrite body carries no status.
 */
function planPatch(
  current: ProviderState,
  operation: Extract<PlannedOperation, { op: "patch" }>,
  config: DescopeMappingConfig,
): OperationPlan {
  const address = addressOf(current);
  if (!address) return unaddressable;
  const user = applyPatch(current.user, operation.changes);
  const steps: Step[] = [];
  // A loginId cannot be removed, only replaced: a cleared one leaves Descope's as it is.
  const newLoginId =
    user.loginId !== undefined && user.loginId !== current.user.loginId ? user.loginId : undefined;
  if (newLoginId) steps.push({ kind: "rename", loginId: address, newLoginId });
  const loginId = newLoginId ?? address;

  const change = diffDescopeProfiles(toDescopeProfile(current.user, config), toDescopeProfile(user, config));
  // Unconfirmed: what Descope holds is unknown, so everything is written (an overwrite, then the status).
  const status =
    operation.changes.active === undefined && !current.unconfirmed
      ? {}
      : { status: toDescopeStatus(user.active) };
  if (change.needsOverwrite || current.unconfirmed) {
    steps.push({ kind: "overwrite", user: toDescopeOverwriteUser(loginId, user, config) });
    if (status.status) steps.push({ kind: "patch", user: { loginId, ...status } });
  } else if (Object.keys(change.fields).length > 0 || status.status) {
    steps.push({ kind: "patch", user: { loginId, ...change.fields, ...status } });
  }
  return { steps, ...addressable(user) };
}

const addressable = (user: CanonicalUser): { target?: AddressableUser } =>
  user.loginId ? { target: { ...user, loginId: user.loginId } } : {};

/** After "user already exists" on create: take the existing user over with everything idp-sync knows. */
export const adoptStep = (target: AddressableUser, config: DescopeMappingConfig): Step => ({
  kind: "patch",
  user: toDescopeAdoptingPatch(target, config),
});

/**
 * After "user not found" on a loginId change: the change may have landed already (its answer or the
 * invocation lost), leaving the user under the new loginId with the rest of the operation unsent. Writes
 * the whole resulting user there (an overwrite, then the status), which also removes what the lost steps
 * were to remove; a user that is not there either is then created.
 */
export const afterRenameSteps = (target: AddressableUser, config: DescopeMappingConfig): Step[] => [
  { kind: "overwrite", user: toDescopeOverwriteUser(target.loginId, target, config) },
  { kind: "patch", user: { loginId: target.loginId, status: toDescopeStatus(target.active) } },
];

/** After "user not found" on anything but create: create the whole resulting user. */
export const recreateStep = (
  target: AddressableUser,
  config: DescopeMappingConfig,
  secrets?: ImportSecrets,
): Step => ({ kind: "create", user: toDescopeCreateUser(target, config, secrets) });
