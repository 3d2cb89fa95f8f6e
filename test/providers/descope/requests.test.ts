import { describe, expect, it } from "vitest";
import { descopeProviderSchema } from "../../../shared/config/descope.ts";
import { planDescopeBatches, toDescopeRequest } from "../../../shared/providers/descope/batches.ts";
import { planOperation, type Step } from "../../../shared/providers/descope/operation-steps.ts";
import type { PlannedOperation } from "../../../shared/sync/plan.ts";

const config = (overrides: object = {}) =>
  descopeProviderSchema.parse({ type: "descope", secretName: "descope", ...overrides });

const ann = {
  loginId: "ann@example.com",
  email: "ann@example.com",
  givenName: "Ann",
  phone: "+15550100",
  roles: ["dev"],
};
const current = { user: ann, userId: "U1" };
const steps = (operation: PlannedOperation, overrides?: object) => {
  const plan = planOperation(operation, config(overrides));
  if ("rejected" in plan) throw new Error(plan.rejected);
  return plan.steps;
};

describe("planOperation", () => {
  it("patches only the changed fields under the current loginId", () => {
    expect(
      steps({ op: "patch", person: "p", current, changes: { givenName: "Anne", roles: ["dev", "ops"] } }),
    ).toEqual([
      { kind: "patch", user: { loginId: "ann@example.com", givenName: "Anne", roleNames: ["dev", "ops"] } },
    ]);
  });

  it("carries a status change in the patch", () => {
    expect(
      steps({ op: "patch", person: "p", current, changes: { givenName: "Anne", active: false } }),
    ).toEqual([
      { kind: "patch", user: { loginId: "ann@example.com", givenName: "Anne", status: "disabled" } },
    ]);
    expect(steps({ op: "status", person: "p", current, active: true })).toEqual([
      { kind: "patch", user: { loginId: "ann@example.com", status: "enabled" } },
    ]);
  });

  it("overwrites the whole user to clear a text field, then patches the status on its own", () => {
    expect(steps({ op: "patch", person: "p", current, changes: { phone: null, active: false } })).toEqual([
      {
        kind: "overwrite",
        user: { loginId: "ann@example.com", email: "ann@example.com", givenName: "Ann", roleNames: ["dev"] },
      },
      { kind: "patch", user: { loginId: "ann@example.com", status: "disabled" } },
    ]);
  });

  it("changes the loginId first, then patches under the new one", () => {
    expect(
      steps({
        op: "patch",
        person: "p",
        current,
        changes: { loginId: "ann@new.example", email: "ann@new.example" },
      }),
    ).toEqual([
      { kind: "rename", loginId: "ann@example.com", newLoginId: "ann@new.example" },
      { kind: "patch", user: { loginId: "ann@new.example", email: "ann@new.example" } },
    ]);
    expect(steps({ op: "patch", person: "p", current, changes: { loginId: "a2" } })).toEqual([
      { kind: "rename", loginId: "ann@example.com", newLoginId: "a2" },
    ]);
  });

  it("addresses a user by its Descope id when no loginId was acknowledged, and keeps a cleared loginId", () => {
    const byId = { user: { givenName: "Ann" }, userId: "U1" };
    expect(steps({ op: "delete", person: "p", current: byId })).toEqual([
      { kind: "delete", loginId: "U1", userId: "U1" },
    ]);
    expect(steps({ op: "patch", person: "p", current, changes: { loginId: null } })).toEqual([]);
  });

  it("needs no request when nothing Descope holds changes", () => {
    expect(steps({ op: "patch", person: "p", current, changes: { title: "Lead" } })).toEqual([]);
    expect(
      steps(
        { op: "patch", person: "p", current, changes: { title: "Lead" } },
        { customAttributeNames: { title: "title" } },
      ),
    ).toEqual([{ kind: "patch", user: { loginId: "ann@example.com", customAttributes: { title: "Lead" } } }]);
  });

  it("rejects what cannot be addressed", () => {
    expect(planOperation({ op: "create", person: "p", user: { email: "x@example.com" } }, config())).toEqual({
      rejected: expect.stringContaining("loginId"),
    });
    expect(planOperation({ op: "delete", person: "p", current: { user: {} } }, config())).toEqual({
      rejected: expect.stringContaining("loginId"),
    });
  });
});

describe("planDescopeBatches", () => {
  const create = (loginId: string): Step => ({ kind: "create", user: { loginId } });

  it("chunks creates to the batch size: 250 make 100, 100 and 50", () => {
    const calls = planDescopeBatches(
      Array.from({ length: 250 }, (_, id) => ({ id, step: create(`u${id}`) })),
      100,
    );
    expect(calls.map((call) => (call.kind === "single" ? 1 : call.items.length))).toEqual([100, 100, 50]);
    expect(
      calls.flatMap((call) => (call.kind === "single" ? [] : call.items.map((item) => item.id))),
    ).toEqual(Array.from({ length: 250 }, (_, id) => id));
  });

  it("never puts one loginId twice into a batch, and sends other steps one by one", () => {
    const calls = planDescopeBatches(
      [
        { id: 0, step: create("a") },
        { id: 1, step: create("A") },
        { id: 2, step: create("b") },
        { id: 3, step: { kind: "patch", user: { loginId: "a", name: "x" } } },
        { id: 4, step: { kind: "delete", loginId: "c" } },
      ],
      10,
    );
    expect(calls).toEqual([
      {
        kind: "create",
        items: [
          { id: 0, user: { loginId: "a" } },
          { id: 2, user: { loginId: "b" } },
        ],
      },
      { kind: "create", items: [{ id: 1, user: { loginId: "A" } }] },
      { kind: "patch", items: [{ id: 3, user: { loginId: "a", name: "x" } }] },
      { kind: "single", id: 4, step: { kind: "delete", loginId: "c" } },
    ]);
  });
});

describe("toDescopeRequest", () => {
  it("sends batch-create options only when configured", () => {
    const call = { kind: "create" as const, items: [{ id: 0, user: { loginId: "a" } }] };
    expect(toDescopeRequest(call, config())).toEqual({
      method: "POST",
      path: "/v1/mgmt/user/create/batch",
      json: { users: [{ loginId: "a" }] },
    });
    const options = {
      invite: true,
      sendMail: true,
      sendSMS: false,
      inviteUrl: "https://app.example.com/i",
      templateOptions: { org: "Acme" },
    };
    expect(toDescopeRequest(call, config(options)).json).toEqual({ users: [{ loginId: "a" }], ...options });
  });

  it("addresses the single-user endpoints", () => {
    const single = (step: Step) => toDescopeRequest({ kind: "single", id: 0, step } as never, config());
    expect(single({ kind: "rename", loginId: "a", newLoginId: "b" })).toEqual({
      method: "POST",
      path: "/v1/mgmt/user/update/loginid",
      json: { loginId: "a", newLoginId: "b" },
    });
    expect(single({ kind: "delete", loginId: "a" })).toEqual({
      method: "POST",
      path: "/v1/mgmt/user/delete",
      json: { loginId: "a" },
    });
    expect(single({ kind: "overwrite", user: { loginId: "a" } })).toEqual({
      method: "POST",
      path: "/v1/mgmt/user/update",
      json: { loginId: "a" },
    });
    expect(
      toDescopeRequest(
        { kind: "patch", items: [{ id: 0, user: { loginId: "a", status: "disabled" } }] },
        config(),
      ),
    ).toEqual({
      method: "PATCH",
      path: "/v1/mgmt/user/patch/batch",
      json: { users: [{ loginId: "a", status: "disabled" }] },
    });
  });
});
