import { describe, expect, it } from "vitest";
import type { StateStore } from "../../shared/sync/ports.ts";

/** The loginId claims every StateStore must keep atomically. `makeStore` returns an empty store per test. */
export function describeLoginIdClaimsContract(
  name: string,
  makeStore: () => Promise<StateStore> | StateStore,
) {
  describe(`${name}: loginId claims`, () => {
    it("gives a loginId to exactly one of 20 persons claiming it at once, in any case", async () => {
      const store = await makeStore();
      const persons = Array.from({ length: 20 }, (_, index) => `p${index}`);

      const claims = await Promise.all(
        persons.map((person, index) =>
          store.claimLoginId(index % 2 ? "Ann@Example.com" : "ann@example.com", person, 1000),
        ),
      );

      const holders = new Set(claims.map((claim) => claim.person));
      expect(holders.size).toBe(1);
      const [holder] = holders;
      expect(persons).toContain(holder);
      expect(claims.every((claim) => claim.at === 1000)).toBe(true);
      expect(await store.claimLoginId("ANN@example.com", "late", 2000)).toEqual({ person: holder, at: 1000 });
    });

    it("keeps a claim for its holder, who may claim it again", async () => {
      const store = await makeStore();
      await store.claimLoginId("ann", "p1", 1000);

      expect(await store.claimLoginId("ann", "p1", 5000)).toEqual({ person: "p1", at: 5000 });
    });

    it("releases a claim only for its holder", async () => {
      const store = await makeStore();
      await store.claimLoginId("ann", "p1", 1000);

      await store.releaseLoginId("ANN", "p2");
      expect(await store.claimLoginId("ann", "p2", 2000)).toEqual({ person: "p1", at: 1000 });
      await store.releaseLoginId("ANN", "p1");
      expect(await store.claimLoginId("ann", "p2", 3000)).toEqual({ person: "p2", at: 3000 });
    });

    it("takes a claim over only from the claim as read", async () => {
      const store = await makeStore();
      const claim = await store.claimLoginId("ann", "p1", 1000);

      expect(await store.takeOverLoginId("ann", { person: "p1", at: 999 }, "p2", 2000)).toBe(false);
      expect(await store.takeOverLoginId("ann", claim, "p2", 2000)).toBe(true);
      expect(await store.takeOverLoginId("ann", claim, "p3", 2000)).toBe(false);
      expect(await store.claimLoginId("ann", "p3", 3000)).toEqual({ person: "p2", at: 2000 });
    });

    it("keeps claims apart from person records", async () => {
      const store = await makeStore();
      await store.claimLoginId("ann", "p1", 1000);

      expect(await store.get(["p1", "username#ann"])).toEqual(new Map());
      expect(await store.findByLoginId("ann")).toEqual([]);
      expect((await store.list({ limit: 10 })).records).toEqual([]);
    });
  });
}
