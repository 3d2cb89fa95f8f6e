import type { DescopeProviderConfig } from "../../config/descope.ts";
import type { Step } from "./operation-steps.ts";
import type { DescopeCreateUser, DescopePatchUser } from "./wire.ts";

/** A step of the operation with index `id` in the list `apply` was given. */
export interface PlannedStep {
  id: number;
  step: Step;
}

export interface BatchItem<User> {
  id: number;
  user: User;
}

/** One Descope request and the operations whose step it carries. */
export type DescopeCall =
  | { kind: "create"; items: BatchItem<DescopeCreateUser>[] }
  | { kind: "patch"; items: BatchItem<DescopePatchUser>[] }
  /** `POST /v1/mgmt/user/delete/batch`: users addressed by their Descope user id. */
  | { kind: "delete"; items: BatchItem<{ loginId: string; userId: string }>[] }
  | { kind: "single"; id: number; step: Exclude<Step, { kind: "create" | "patch" }> };

export interface DescopeRequest {
  method: "GET" | "POST" | "PATCH";
  /** The path alone: request budgets are kept per path. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
}

export const paths = {
  license: "/v1/mgmt/license",
  createBatch: "/v1/mgmt/user/create/batch",
  patchBatch: "/v1/mgmt/user/patch/batch",
  update: "/v1/mgmt/user/update",
  updateLoginId: "/v1/mgmt/user/update/loginid",
  delete: "/v1/mgmt/user/delete",
  deleteBatch: "/v1/mgmt/user/delete/batch",
  load: "/v1/mgmt/user",
} as const;

/**
 * Groups one step per operation into Descope calls: creates, patches and deletes of users whose Descope
 * id is known into batches of at most `maxUsersPerBatch`, the rest one call each. Two steps for the same
 * loginId never share a batch, so every user in a batch response belongs to exactly one operation. Pure.
 */
export function planDescopeBatches(steps: readonly PlannedStep[], maxUsersPerBatch: number): DescopeCall[] {
  const creates: BatchItem<DescopeCreateUser>[] = [];
  const patches: BatchItem<DescopePatchUser>[] = [];
  const deletes: BatchItem<{ loginId: string; userId: string }>[] = [];
  const singles: DescopeCall[] = [];
  for (const { id, step } of steps) {
    if (step.kind === "create") creates.push({ id, user: step.user });
    else if (step.kind === "patch") patches.push({ id, user: step.user });
    else if (step.kind === "delete" && step.userId)
      deletes.push({ id, user: { loginId: step.loginId, userId: step.userId } });
    else singles.push({ kind: "single", id, step });
  }
  return [
    ...chunkByLoginId(creates, maxUsersPerBatch).map((items) => ({ kind: "create" as const, items })),
    ...chunkByLoginId(patches, maxUsersPerBatch).map((items) => ({ kind: "patch" as const, items })),
    ...chunkByLoginId(deletes, maxUsersPerBatch).map((items) => ({ kind: "delete" as const, items })),
    ...singles,
  ];
}

/** Descope compares login IDs as given; lower-casing here only makes batching err on the safe side. */
export const loginIdKey = (loginId: string) => loginId.toLowerCase();

function chunkByLoginId<T extends { user: { loginId: string } }>(items: readonly T[], size: number): T[][] {
  const chunks: { items: T[]; loginIds: Set<string> }[] = [];
  for (const item of items) {
    const key = loginIdKey(item.user.loginId);
    let chunk = chunks.find((candidate) => candidate.items.length < size && !candidate.loginIds.has(key));
    if (!chunk) {
      chunk = { items: [], loginIds: new Set() };
      chunks.push(chunk);
    }
    chunk.items.push(item);
    chunk.loginIds.add(key);
  }
  return chunks.map((chunk) => chunk.items);
}

export type BatchCreateOptions = Pick<
  DescopeProviderConfig,
  "invite" | "sendMail" | "sendSMS" | "inviteUrl" | "templateOptions"
>;

/** The HTTP request for a call; batch-create options are sent only when configured. */
export function toDescopeRequest(call: DescopeCall, options: BatchCreateOptions): DescopeRequest {
  switch (call.kind) {
    case "create": {
      const { invite, sendMail, sendSMS, inviteUrl, templateOptions } = options;
      const configured = Object.entries({ invite, sendMail, sendSMS, inviteUrl, templateOptions }).filter(
        ([, value]) => value !== undefined,
      );
      return {
        method: "POST",
        path: paths.createBatch,
        json: { users: call.items.map((item) => item.user), ...Object.fromEntries(configured) },
      };
    }
    case "patch":
      return {
        method: "PATCH",
        path: paths.patchBatch,
        json: { users: call.items.map((item) => item.user) },
      };
    case "delete":
      // The body node-sdk and go-sdk send (lib/management/user.ts deleteBatch): Descope user ids only.
      return {
        method: "POST",
        path: paths.deleteBatch,
        json: { userIds: call.items.map((item) => item.user.userId) },
      };
    case "single":
      switch (call.step.kind) {
        case "overwrite":
          return { method: "POST", path: paths.update, json: call.step.user };
        case "rename":
          return {
            method: "POST",
            path: paths.updateLoginId,
            json: { loginId: call.step.loginId, newLoginId: call.step.newLoginId },
          };
        case "delete":
          return { method: "POST", path: paths.delete, json: { loginId: call.step.loginId } };
        case "load":
          return { method: "GET", path: paths.load, query: { loginId: call.step.loginId } };
      }
  }
}
