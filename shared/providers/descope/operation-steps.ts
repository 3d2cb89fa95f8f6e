import type { CanonicalUser, ImportSecrets } from "../../model/user.ts";
import { applyPatch } from "../../sync/diff.ts";
import type { ProviderState } from "../../sync/person-record.ts";
import type { PlannedOperation } from "../../sync/plan.ts";
import {
  type AddressableUser,
  type DescopeMappingConfig,
  type DescopeProfile,
  diffDescopeProfiles,
  heldProfile,
  type ProfileChange,
  textFields,
  toDescopeAdoptingPatch,
  toDescopeCreateUser,
  toDescopeOverwriteUser,
  toDescopeProfile,
  toDescopeStatus,
} from "./mapping.ts";
import type { DescopeCreateUser, DescopePatchUser, LoadedUser } from "./wire.ts";

/** One Descope request's worth of work for one operation; create and patch steps are batched. */
export type Step =
  | { kind: "create"; user: DescopeCreateUser }
  | { kind: "patch"; user: DescopePatchUser }
  /** `POST /v1/mgmt/user/update`: replaces every field, the only way to remove a text field. */
  | { kind: "overwrite"; user: DescopeCreateUser }
  | { kind: "rename"; loginId: string; newLoginId: string }
  /** By Descope user id when known (batched through delete/batch), else by loginId. */
  | { kind: "delete"; loginId: string; userId?: string }
  /**
   * `GET /v1/mgmt/user`: what Descope holds. Without `confirm`, the steps that follow are planned from it
   * (after an unconfirmed call); with it, the load checks that a patch took the values Descope's patch
   * may ignore (cleared additional login ids, an un-verified e-mail).
   */
  | { kind: "load"; loginId: string; confirm?: Confirmable };

/** Values a patch sets that Descope documents no effect for, so they are checked after the patch. */
export type Confirmable = { additionalIdentifiers?: []; verifiedEmail?: false };

export type OperationPlan =
  | {
      /** Requests to send in order; empty when nothing Descope holds changes. */
      steps: Step[];
      /** The whole user Descope should hold afterwards, for the fallbacks (absent for a delete). */
      target?: AddressableUser;
      secrets?: ImportSecrets;
      /** What idp-sync had set before, for planning from a load: fields it managed and may now remove. */
      previous?: CanonicalUser;
    }
  | { rejected: string };

/** How a Descope user is addressed: by the loginId it was given, else by its user id (Descope accepts both). */
const addressOf = (current: ProviderState) => current.user.loginId ?? current.userId;

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
      const { userId } = operation.current;
      return loginId
        ? { steps: [{ kind: "delete", loginId, ...(userId ? { userId } : {}) }] }
        : unaddressable;
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
  // Unconfirmed, the user is renamed by its id: a rename that landed unrecorded left it under neither the
  // recorded nor the wanted loginId.
  const renamed = current.unconfirmed ? (current.userId ?? address) : address;
  if (newLoginId) steps.push({ kind: "rename", loginId: renamed, newLoginId });
  const loginId = newLoginId ?? address;

  // Unconfirmed: what Descope holds is unknown. It is loaded and the difference patched, so that roles,
  // tenants, SSO apps and custom attributes granted in Descope by others survive; a full overwrite only
  // when configured (or when no loginId is known to compare a loaded user against).
  if (current.unconfirmed && config.afterUnconfirmed === "load" && user.loginId) {
    steps.push({ kind: "load", loginId });
    return { steps, ...addressable(user), previous: current.user };
  }
  const change = diffDescopeProfiles(toDescopeProfile(current.user, config), toDescopeProfile(user, config));
  const status =
    operation.changes.active === undefined && !current.unconfirmed
      ? {}
      : { status: toDescopeStatus(user.active) };
  if (change.needsOverwrite || current.unconfirmed) {
    steps.push({ kind: "overwrite", user: toDescopeOverwriteUser(loginId, user, config) });
    if (status.status) steps.push({ kind: "patch", user: { loginId, ...status } });
  } else if (Object.keys(change.fields).length > 0 || status.status) {
    steps.push({ kind: "patch", user: { loginId, ...change.fields, ...status } });
    steps.push(...confirmation(loginId, change.fields));
  }
  return { steps, ...addressable(user) };
}

/** A load that checks the values of a patch Descope may ignore, when the patch sets any. */
function confirmation(loginId: string, fields: ProfileChange["fields"]): Step[] {
  const confirm: Confirmable = {
    ...(fields.additionalIdentifiers?.length === 0 ? { additionalIdentifiers: [] as [] } : {}),
    ...(fields.verifiedEmail === false ? { verifiedEmail: false as const } : {}),
  };
  return Object.keys(confirm).length > 0 ? [{ kind: "load", loginId, confirm }] : [];
}

/**
 * After a load: the steps that make Descope hold `target`, from what it holds. Only fields idp-sync
 * manages now or managed before (per `previous`) are compared, and of custom attributes only those keys:
 * whatever else Descope holds (roles, tenants, attributes granted there) stays as it is.
 */
export function stepsAfterLoad(
  loaded: LoadedUser,
  target: AddressableUser,
  previous: CanonicalUser | undefined,
  config: DescopeMappingConfig,
): Step[] {
  const held = heldProfile(loaded, target.loginId);
  const wanted = toDescopeProfile(target, config);
  const before = previous ? toDescopeProfile(previous, config) : {};
  const compared: DescopeProfile = {};
  // The text fields idp-sync maps are its own, whatever the record says: a patch that set one may have
  // landed unrecorded, so one Descope holds and the wanted user lacks is removed. Grants (roles, tenants,
  // custom attributes) are compared only under the keys idp-sync manages, so others' grants survive.
  const textNames = textFields.map(([, to]) => to);
  const names = new Set([...Object.keys(wanted), ...Object.keys(before), ...textNames]);
  for (const name of names as Set<keyof DescopeProfile>) {
    const value = name === "customAttributes" ? pickKeys(held.customAttributes, wanted, before) : held[name];
    if (value !== undefined) Object.assign(compared, { [name]: value });
  }
  const change = diffDescopeProfiles(compared, wanted);
  const status = toDescopeStatus(target.active);
  const statusMatches = loaded.status === status || (status === "enabled" && loaded.status === "invited");
  const statusPatch = statusMatches ? {} : { status };
  if (change.needsOverwrite)
    return [
      { kind: "overwrite", user: toDescopeOverwriteUser(target.loginId, target, config) },
      ...(statusMatches ? [] : [{ kind: "patch" as const, user: { loginId: target.loginId, status } }]),
    ];
  if (Object.keys(change.fields).length === 0 && statusMatches) return [];
  return [
    { kind: "patch", user: { loginId: target.loginId, ...change.fields, ...statusPatch } },
    ...confirmation(target.loginId, change.fields),
  ];
}

/** The custom attributes Descope holds under the keys idp-sync manages now or managed before. */
function pickKeys(
  held: DescopeProfile["customAttributes"],
  wanted: DescopeProfile,
  before: DescopeProfile,
): DescopeProfile["customAttributes"] {
  const keys = new Set([
    ...Object.keys(wanted.customAttributes ?? {}),
    ...Object.keys(before.customAttributes ?? {}),
  ]);
  const picked = Object.fromEntries(Object.entries(held ?? {}).filter(([key]) => keys.has(key)));
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/** What a confirming load found Descope kept of the values the patch set, if anything. */
export function unconfirmedValues(loaded: LoadedUser, loginId: string, confirm: Confirmable): string[] {
  const held = heldProfile(loaded, loginId);
  return [
    ...(confirm.additionalIdentifiers && held.additionalIdentifiers?.length
      ? [`additional login ids ${held.additionalIdentifiers.join(", ")}`]
      : []),
    ...(confirm.verifiedEmail === false && held.verifiedEmail === true ? ["the e-mail verification"] : []),
  ];
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
