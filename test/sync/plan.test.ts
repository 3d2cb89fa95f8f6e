import { describe, expect, it } from "vitest";
import { diffUsers } from "../../shared/sync/diff.ts";
import { acknowledge, chunk, planPerson } from "../../shared/sync/plan.ts";

const ann = { loginId: "ann@example.com", email: "ann@example.com", givenName: "Ann", roles: ["dev"] };
const live = (user: object) => ({ user, deleted: false });

describe("diffUsers", () => {
  it("lists only the attributes that differ, with null for those to clear", () => {
    expect(diffUsers({ ...ann, title: "Lead" }, { ...ann, phone: "+1555" })).toEqual({
      title: "Lead",
      phone: null,
    });
    expect(diffUsers(ann, { ...ann })).toEqual({});
  });
});

describe("planPerson", () => {
  it("creates a person the provider does not have, with the import secrets", () => {
    const secrets = { password: "pw" };
    expect(planPerson("p1", live(ann), undefined, "deactivate", secrets)).toEqual({
      op: "create",
      person: "p1",
      user: ann,
      secrets,
    });
  });

  it("creates nobody without a loginId, nor a leaver who never existed", () => {
    expect(planPerson("p1", live({ title: "Dev" }), undefined, "deactivate")).toMatchObject({ op: "none" });
    expect(planPerson("p1", live({ ...ann, active: false }), undefined, "deactivate")).toMatchObject({
      op: "none",
    });
    expect(planPerson("p1", { user: ann, deleted: true }, undefined, "deactivate")).toMatchObject({
      op: "none",
    });
  });

  it("patches only the changed attributes", () => {
    const current = { user: ann, userId: "U1" };
    expect(planPerson("p1", live({ ...ann, title: "Lead" }), current, "deactivate")).toEqual({
      op: "patch",
      person: "p1",
      current,
      changes: { title: "Lead" },
    });
  });

  it("does nothing when the provider already matches", () => {
    expect(planPerson("p1", live(ann), { user: ann }, "deactivate")).toMatchObject({ op: "none" });
  });

  it("turns a lone active change into a status change", () => {
    const current = { user: ann };
    expect(planPerson("p1", live({ ...ann, active: false }), current, "deactivate")).toEqual({
      op: "status",
      person: "p1",
      current,
      active: false,
    });
    expect(
      planPerson("p1", live({ ...ann, active: true }), { user: { ...ann, active: false } }, "deactivate"),
    ).toMatchObject({
      op: "status",
      active: true,
    });
  });

  it("applies the leaver policy to deleted persons", () => {
    const current = { user: ann };
    const deleted = { user: ann, deleted: true };
    expect(planPerson("p1", deleted, current, "deactivate")).toMatchObject({ op: "status", active: false });
    expect(planPerson("p1", deleted, current, "delete")).toMatchObject({ op: "delete" });
    expect(planPerson("p1", deleted, { user: { ...ann, active: false } }, "deactivate")).toMatchObject({
      op: "none",
    });
  });

  it("re-creates a person the provider deleted when the source brings them back", () => {
    expect(planPerson("p1", live(ann), { user: {}, deleted: true }, "delete")).toMatchObject({
      op: "create",
    });
  });
});

describe("acknowledge", () => {
  it("records what the provider holds after each kind of operation", () => {
    const current = { user: { ...ann, phone: "+1" }, userId: "U1" };
    expect(acknowledge({ op: "create", person: "p1", user: ann }, "U9")).toEqual({ user: ann, userId: "U9" });
    expect(
      acknowledge({ op: "patch", person: "p1", current, changes: { phone: null, title: "Lead" } }, undefined),
    ).toEqual({
      user: { ...ann, title: "Lead" },
      userId: "U1",
    });
    expect(acknowledge({ op: "status", person: "p1", current, active: false }, undefined).user.active).toBe(
      false,
    );
    expect(acknowledge({ op: "delete", person: "p1", current }, undefined)).toEqual({
      user: {},
      deleted: true,
      userId: "U1",
    });
  });
});

describe("chunk", () => {
  it("splits into consecutive chunks of at most the size", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
