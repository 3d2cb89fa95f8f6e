import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../shared/sync/audit-entry.ts";
import type { AuditTrail } from "../../shared/sync/ports.ts";

const day = 86_400_000;
export const t0 = Date.UTC(2026, 2, 10, 12);

export const entry = (person: string, atMs: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date(atMs).toISOString(),
  person,
  provider: "descope",
  userId: `U-${person}`,
  outcome: "applied",
  op: "create",
  changes: [`c-${person}-${atMs}`],
  ...overrides,
});

/** The behaviour every AuditTrail must have; `makeTrail` returns an empty trail keeping 30 days, clock `now()`. */
export function describeAuditTrailContract(
  name: string,
  makeTrail: (now: () => number) => Promise<AuditTrail> | AuditTrail,
) {
  describe(`${name}: AuditTrail contract`, () => {
    it("keeps a person's entries across days and calls, oldest first, apart from other persons", async () => {
      const trail = await makeTrail(() => t0);
      const second = entry("p1", t0 - 2 * day, { outcome: "retried", reason: "503", op: "patch" });
      await trail.record([entry("p1", t0 - 1000), entry("p2", t0 - 500)]);
      await trail.record([second, entry("p1", t0 - 100, { changes: ["a", "b"], outcome: "held" })]);

      expect(await trail.forPerson("p1")).toEqual([
        second,
        entry("p1", t0 - 1000),
        entry("p1", t0 - 100, { changes: ["a", "b"], outcome: "held" }),
      ]);
      expect(await trail.forPerson("nobody")).toEqual([]);
    });

    it("finds the person behind a change id", async () => {
      const trail = await makeTrail(() => t0);
      await trail.record([entry("p1", t0, { changes: ["c1", "c2"] }), entry("p2", t0, { changes: ["c3"] })]);

      expect(await trail.personOfChange("c2")).toBe("p1");
      expect(await trail.personOfChange("c3")).toBe("p2");
      expect(await trail.personOfChange("c4")).toBeUndefined();
    });

    it("forgets entries after the retention", async () => {
      let now = t0;
      const trail = await makeTrail(() => now);
      await trail.record([entry("p1", t0, { changes: ["old"] })]);
      await trail.record([entry("p1", t0 + 20 * day, { changes: ["new"] })]);

      now = t0 + 31 * day;
      expect((await trail.forPerson("p1")).map((kept) => kept.changes)).toEqual([["new"]]);
      expect(await trail.personOfChange("old")).toBeUndefined();
    });
  });
}
