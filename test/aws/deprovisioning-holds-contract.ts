import { describe, expect, it } from "vitest";
import type { HeldLeaver } from "../../shared/sync/deprovisioning-guard.ts";
import type { DeprovisioningHolds } from "../../shared/sync/ports.ts";

export const leaver = (
  person: string,
  changes = [`{"id":"c-${person}"}`],
  provider = "descope",
): HeldLeaver => ({
  provider,
  person,
  op: "status",
  heldAt: "2026-01-01T00:00:00.000Z",
  changes,
});

const hour = 3600;
/** `n` distinct persons, named after `prefix`. */
const persons = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const t0 = Date.UTC(2026, 0, 1);

/**
 * The behaviour every DeprovisioningHolds must have. `makeHolds` returns an empty store whose clock (for
 * the expiry of released leavers) reads `now()`.
 */
export function describeDeprovisioningHoldsContract(
  name: string,
  makeHolds: (now: () => number) => Promise<DeprovisioningHolds> | DeprovisioningHolds,
) {
  describe(`${name}: DeprovisioningHolds contract`, () => {
    it("counts leavers per provider in a sliding window across calls", async () => {
      const holds = await makeHolds(() => t0);

      expect(await holds.addLeavers("descope", persons("a", 5), t0, hour)).toEqual({ inWindow: 5 });
      expect(await holds.addLeavers("descope", persons("b", 7), t0 + 30 * 60_000, hour)).toEqual({
        inWindow: 12,
      });
      expect(await holds.addLeavers("zitadel", persons("a", 1), t0 + 30 * 60_000, hour)).toEqual({
        inWindow: 1,
      });
      // An hour after the first, the first has left the window; the second has not.
      expect(await holds.addLeavers("descope", persons("c", 2), t0 + 61 * 60_000, hour)).toEqual({
        inWindow: 9,
      });
      expect(await holds.addLeavers("descope", [], t0 + 200 * 60_000, hour)).toEqual({ inWindow: 0 });
    });

    it("counts every one of many concurrent additions", async () => {
      const holds = await makeHolds(() => t0);
      await Promise.all(
        Array.from({ length: 20 }, (_, n) => holds.addLeavers("descope", persons(`p${n}`, 3), t0, hour)),
      );
      expect(await holds.addLeavers("descope", [], t0, hour)).toEqual({ inWindow: 60 });
    });

    it("counts a person once per window, however often they come back (redelivery, retry, crash)", async () => {
      const holds = await makeHolds(() => t0);
      await holds.addLeavers("descope", ["p1", "p2", "p2"], t0, hour);
      // The same leavers again, as after a crash between counting and holding, and a minute later.
      await holds.addLeavers("descope", ["p1", "p2"], t0, hour);
      expect(await holds.addLeavers("descope", ["p2", "p3"], t0 + 60_000, hour)).toEqual({ inWindow: 3 });
    });

    it("holds from the first start until reset, which also empties the window", async () => {
      const holds = await makeHolds(() => t0);
      await holds.addLeavers("descope", persons("a", 30), t0, hour);
      await holds.startHolding("descope", "2026-01-01T00:00:00.000Z");
      await holds.startHolding("descope", "2026-01-01T00:05:00.000Z");

      // Holding, it stops counting: every leaver is held anyway.
      expect(await holds.addLeavers("descope", ["late"], t0, hour)).toEqual({
        inWindow: 30,
        holdingSince: "2026-01-01T00:00:00.000Z",
      });
      expect((await holds.list()).holding).toEqual([
        { provider: "descope", since: "2026-01-01T00:00:00.000Z" },
      ]);

      await holds.reset("descope");
      expect(await holds.addLeavers("descope", [], t0, hour)).toEqual({ inWindow: 0 });
      expect((await holds.list()).holding).toEqual([]);
    });

    it("keeps held leavers per provider and person, adding the bodies of a second hold", async () => {
      const holds = await makeHolds(() => t0);
      await holds.hold([leaver("p1", ["a"]), leaver("p2"), leaver("p1", ["x"], "zitadel")]);
      await holds.hold([leaver("p1", ["b", "a"])]);

      const found = await holds.get("descope", ["p1", "p3"]);
      expect([...found.keys()]).toEqual(["p1"]);
      expect({ ...found.get("p1"), changes: found.get("p1")?.changes.sort() }).toEqual(
        leaver("p1", ["a", "b"]),
      );
      expect((await holds.list("zitadel")).held).toEqual([leaver("p1", ["x"], "zitadel")]);
      expect((await holds.list()).held.map((held) => `${held.provider}/${held.person}`).sort()).toEqual([
        "descope/p1",
        "descope/p2",
        "zitadel/p1",
      ]);
    });

    it("keeps a leaver that came without change bodies", async () => {
      const holds = await makeHolds(() => t0);
      await holds.hold([leaver("p1", [])]);
      await holds.hold([leaver("p1", [])]);
      expect((await holds.get("descope", ["p1"])).get("p1")).toEqual(leaver("p1", []));
    });

    it("approves held leavers until they expire, and removes them", async () => {
      let now = t0;
      const holds = await makeHolds(() => now);
      await holds.hold([leaver("p1"), leaver("p2"), leaver("p3")]);

      await holds.approve("descope", ["p1", "p2", "never-held"], t0 + 60_000);
      await holds.remove("descope", ["p3"]);

      expect((await holds.get("descope", ["p1", "never-held"])).get("p1")).toEqual({
        ...leaver("p1"),
        approved: true,
      });
      expect((await holds.get("descope", ["never-held", "p3"])).size).toBe(0);
      now = t0 + 61_000;
      expect((await holds.get("descope", ["p1", "p2"])).size).toBe(0);
      expect((await holds.list()).held).toEqual([]);
    });
  });
}
