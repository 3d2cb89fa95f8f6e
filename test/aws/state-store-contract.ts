import { describe, expect, it } from "vitest";
import type { PersonRecord } from "../../shared/sync/person-record.ts";
import type { StateStore } from "../../shared/sync/ports.ts";

/** A record as the sync core writes it: desired state with a loginId, and one provider's acknowledgement. */
export function personRecord(
  person: string,
  version: number,
  loginId = `${person}@example.com`,
): PersonRecord {
  return {
    person,
    version,
    desired: {
      attributes: {
        loginId: { at: 1_700_000_000_000 + version, change: `c-${person}-${version}`, value: loginId },
        givenName: { at: 1_700_000_000_000, change: `c-${person}-0`, value: `Given ${person}` },
      },
      maps: { tenants: { entries: { t1: { at: 1, change: "c0", value: ["admin"] } } } },
    },
    providers: { descope: { user: { loginId, givenName: `Given ${person}` }, userId: `U-${person}` } },
  };
}

/**
 * The behaviour every StateStore must have, whatever keeps the records. `makeStore` returns an empty
 * store for each test.
 */
export function describeStateStoreContract(name: string, makeStore: () => Promise<StateStore> | StateStore) {
  describe(`${name}: StateStore contract`, () => {
    it("finds nothing for persons it never stored", async () => {
      const store = await makeStore();

      expect(await store.get(["nobody", "no one"])).toEqual(new Map());
      expect(await store.get([])).toEqual(new Map());
    });

    it("stores a new person (version 0) as version 1 and reads it back unchanged", async () => {
      const store = await makeStore();
      const record = personRecord("p1", 0);

      expect(await store.put(record)).toBe(true);

      expect(await store.get(["p1", "p2"])).toEqual(new Map([["p1", { ...record, version: 1 }]]));
    });

    it("refuses a second new record for a person that exists", async () => {
      const store = await makeStore();
      expect(await store.put(personRecord("p1", 0, "first@example.com"))).toBe(true);

      expect(await store.put(personRecord("p1", 0, "second@example.com"))).toBe(false);

      expect((await store.get(["p1"])).get("p1")).toEqual({
        ...personRecord("p1", 0, "first@example.com"),
        version: 1,
      });
    });

    it("advances the version on each write and refuses a stale one without overwriting", async () => {
      const store = await makeStore();
      expect(await store.put(personRecord("p1", 0))).toBe(true);
      expect(await store.put(personRecord("p1", 1, "current@example.com"))).toBe(true);

      expect(await store.put(personRecord("p1", 1, "stale@example.com"))).toBe(false);
      expect(await store.put(personRecord("p1", 7, "future@example.com"))).toBe(false);

      expect((await store.get(["p1"])).get("p1")).toEqual({
        ...personRecord("p1", 1, "current@example.com"),
        version: 2,
      });
    });

    it("reads more than 100 persons at once, ignoring repeats and unknown ones", async () => {
      const store = await makeStore();
      const persons = Array.from({ length: 230 }, (_, n) => `person-${String(n).padStart(3, "0")}`);
      const written = await Promise.all(persons.map((person) => store.put(personRecord(person, 0))));
      expect(written.every(Boolean)).toBe(true);

      const found = await store.get([...persons, ...persons.slice(0, 10), "unknown-1", "unknown-2"]);

      expect([...found.keys()].sort()).toEqual(persons);
      expect(found.get("person-150")).toEqual({ ...personRecord("person-150", 0), version: 1 });
    });

    it("lets exactly one of several concurrent writers of the same version win", async () => {
      const store = await makeStore();
      const contenders = (version: number) =>
        Promise.all(
          Array.from({ length: 8 }, (_, n) =>
            store.put(personRecord("p1", version, `writer-${n}@example.com`)),
          ),
        );

      const created = await contenders(0);
      const updated = await contenders(1);

      expect(created.filter(Boolean)).toHaveLength(1);
      expect(updated.filter(Boolean)).toHaveLength(1);
      const winner = updated.indexOf(true);
      expect((await store.get(["p1"])).get("p1")).toEqual({
        ...personRecord("p1", 1, `writer-${winner}@example.com`),
        version: 2,
      });
    });

    it("finds persons by their current loginId, ignoring case", async () => {
      const store = await makeStore();
      await store.put(personRecord("p1", 0, "Ada.Lovelace@Example.com"));
      await store.put(personRecord("p2", 0, "grace@example.com"));
      await store.put(personRecord("p1", 1, "ada@example.com"));

      expect(await store.findByLoginId("ADA@example.COM")).toEqual([
        { ...personRecord("p1", 1, "ada@example.com"), version: 2 },
      ]);
      expect(await store.findByLoginId("ada.lovelace@example.com")).toEqual([]);
      expect((await store.findByLoginId("grace@example.com")).map((record) => record.person)).toEqual(["p2"]);
      expect(await store.findByLoginId("nobody@example.com")).toEqual([]);
    });

    it("pages through every person exactly once, in pages of at most `limit`", async () => {
      const store = await makeStore();
      const persons = Array.from({ length: 23 }, (_, n) => `person-${n}`);
      await Promise.all(persons.map((person) => store.put(personRecord(person, 0))));

      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const result = await store.list({ limit: 5, ...(after === undefined ? {} : { after }) });
        expect(result.records.length).toBeLessThanOrEqual(5);
        seen.push(...result.records.map((record) => record.person));
        after = result.next;
        if (after === undefined) break;
      }

      expect(after).toBeUndefined();
      expect(seen.sort()).toEqual(persons.sort());
      const empty = await makeStore();
      expect(await empty.list({ limit: 5 })).toEqual({ records: [] });
    });

    it("counts a provider's users: persons it acknowledged and did not delete", async () => {
      const store = await makeStore();
      const at = (record: PersonRecord, providers: PersonRecord["providers"]) => ({ ...record, providers });
      const acked = { user: { loginId: "x" } };
      await Promise.all(
        Array.from({ length: 12 }, (_, n) => store.put(personRecord(`person-${n}`, 0))), // at descope
      );
      await store.put(at(personRecord("both", 0), { descope: acked, zitadel: acked }));
      await store.put(at(personRecord("desired-only", 0), {}));
      await store.put(at(personRecord("gone", 0), { descope: { ...acked, deleted: true } }));
      // A create written ahead does not count yet; a known user with a change in flight still does.
      await store.put(at(personRecord("creating", 0), { zitadel: { ...acked, unconfirmed: true } }));
      await store.put(
        at(personRecord("changing", 0), { descope: { ...acked, userId: "U1", unconfirmed: true } }),
      );

      expect(await store.countUsers("descope")).toBe(14);
      expect(await store.countUsers("zitadel")).toBe(1);
      expect(await store.countUsers("nowhere")).toBe(0);

      // Deleted at one provider, created at another, and a stale write that must not count.
      await store.put(at(personRecord("both", 1), { descope: { ...acked, deleted: true }, zitadel: acked }));
      await store.put(at(personRecord("desired-only", 1), { zitadel: acked }));
      expect(await store.put(at(personRecord("person-0", 0), {}))).toBe(false);

      expect(await store.countUsers("descope")).toBe(13);
      expect(await store.countUsers("zitadel")).toBe(2);
    });

    it("counts a person once however many writers raced to create or delete it", async () => {
      const store = await makeStore();
      const race = (version: number, providers: PersonRecord["providers"]) =>
        Promise.all(
          Array.from({ length: 6 }, () => store.put({ ...personRecord("p1", version), providers })),
        );

      await race(0, { descope: { user: {} } });
      expect(await store.countUsers("descope")).toBe(1);
      await race(1, { descope: { user: {}, deleted: true } });
      expect(await store.countUsers("descope")).toBe(0);
    });
  });
}
