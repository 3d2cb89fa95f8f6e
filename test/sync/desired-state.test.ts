import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyDesiredState, materialize, mergeChange } from "../../shared/sync/desired-state.ts";
import { change } from "./fixtures.ts";

const mergeAll = (changes: Parameters<typeof mergeChange>[1][]) =>
  materialize(changes.reduce(mergeChange, emptyDesiredState()));

describe("mergeChange", () => {
  it("keeps the newest value of each attribute, whatever the arrival order", () => {
    const older = change("p1", 10, { email: "old@example.com", title: "Engineer" });
    const newer = change("p1", 20, { email: "new@example.com" });
    expect(mergeAll([newer, older]).user).toEqual({ email: "new@example.com", title: "Engineer" });
    expect(mergeAll([older, newer]).user).toEqual({ email: "new@example.com", title: "Engineer" });
  });

  it("breaks a tie on time with the change id, so every replica picks the same winner", () => {
    const a = change("p1", 10, { title: "A" }, "upsert", "a");
    const b = change("p1", 10, { title: "B" }, "upsert", "b");
    expect(mergeAll([a, b]).user.title).toBe("B");
    expect(mergeAll([b, a]).user.title).toBe("B");
  });

  it("treats null as a removal that a newer value overrides and an older one does not", () => {
    const set = change("p1", 10, { phone: "+15550100" });
    const remove = change("p1", 20, { phone: null });
    expect(mergeAll([set, remove]).user.phone).toBeUndefined();
    expect(mergeAll([remove, change("p1", 30, { phone: "+15550199" })]).user.phone).toBe("+15550199");
  });

  it("replace clears every profile attribute it does not carry, but not the lifecycle", () => {
    const first = change("p1", 10, { email: "a@example.com", title: "Engineer", active: false });
    const replacement = change("p1", 20, { email: "b@example.com" }, "replace");
    expect(mergeAll([first, replacement]).user).toEqual({ email: "b@example.com", active: false });
  });

  it("merges map attributes key by key and lets a replace or null clear older keys", () => {
    const cost = change("p1", 10, { customAttributes: { costCode: "42" }, tenants: { t1: ["admin"] } });
    const badge = change("p1", 20, { customAttributes: { badge: "B-7" } });
    expect(mergeAll([badge, cost]).user).toEqual({
      customAttributes: { badge: "B-7", costCode: "42" },
      tenants: { t1: ["admin"] },
    });
    const cleared = change("p1", 30, { customAttributes: null });
    expect(mergeAll([cost, badge, cleared]).user.customAttributes).toBeUndefined();
    const replaced = change("p1", 30, { tenants: { t2: ["viewer"] } }, "replace");
    expect(mergeAll([cost, replaced]).user.tenants).toEqual({ t2: ["viewer"] });
  });

  it("normalises role lists as sets", () => {
    expect(mergeAll([change("p1", 1, { roles: ["b", "a", "b"] })]).user.roles).toEqual(["a", "b"]);
  });

  it("tracks leavers, rehires and deletion by time", () => {
    const hire = change("p1", 10, { loginId: "ann" });
    const leave = change("p1", 20, {}, "deactivate");
    const rehire = change("p1", 30, {}, "reactivate");
    expect(mergeAll([hire, leave]).user.active).toBe(false);
    expect(mergeAll([rehire, leave, hire]).user.active).toBe(true);
    const deleted = change("p1", 40, {}, "delete");
    expect(mergeAll([hire, deleted]).deleted).toBe(true);
    expect(mergeAll([deleted, change("p1", 50, { title: "Back" })]).deleted).toBe(false);
  });

  it("never keeps import secrets in desired state", () => {
    const state = mergeChange(emptyDesiredState(), change("p1", 1, { loginId: "ann", password: "s3cret!" }));
    expect(JSON.stringify(state)).not.toContain("s3cret!");
  });

  it("converges to the same state for any order and duplication of the same changes", () => {
    const person = "p1";
    const attributeChange = fc.record(
      {
        email: fc.option(fc.constantFrom("a@x.io", "b@x.io"), { nil: null }),
        title: fc.option(fc.constantFrom("Dev", "Lead"), { nil: null }),
        customAttributes: fc.dictionary(
          fc.constantFrom("k1", "k2"),
          fc.option(fc.constantFrom("v1", "v2"), { nil: null }),
        ),
      },
      { requiredKeys: [] },
    );
    const changeArb = fc.record({
      at: fc.integer({ min: 0, max: 20 }),
      kind: fc.constantFrom("upsert", "replace", "deactivate", "reactivate", "delete") as fc.Arbitrary<
        Parameters<typeof change>[3]
      >,
      attributes: attributeChange,
      id: fc.uuid(),
    });
    fc.assert(
      fc.property(
        fc.array(changeArb, { minLength: 1, maxLength: 12 }),
        fc.infiniteStream(fc.nat()),
        (specs, seeds) => {
          const changes = specs.map((spec) => change(person, spec.at, spec.attributes, spec.kind, spec.id));
          const shuffled = [...changes, ...changes.slice(0, 3)]
            .map((item) => ({ item, key: seeds.next().value }))
            .sort((a, b) => a.key - b.key)
            .map(({ item }) => item);
          expect(mergeAll(shuffled)).toEqual(mergeAll(changes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
