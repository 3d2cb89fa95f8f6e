import { describe, expect, it } from "vitest";
import { reconcilePlan } from "../../shared/reconcile/plan.ts";
import type { ProviderListing } from "../../shared/reconcile/ports.ts";
import type { PersonRecord } from "../../shared/sync/person-record.ts";
import { hrChange, listed, recordOf, snapshotOf, testComparison } from "./fixtures.ts";

const ann = { loginId: "ann@example.com", email: "ann@example.com", givenName: "Ann", familyName: "Lee" };
const bo = { loginId: "bo@example.com", email: "bo@example.com", givenName: "Bo", familyName: "Chen" };
const cy = { loginId: "cy@example.com", email: "cy@example.com", givenName: "Cy", familyName: "Park" };

const listing = (users: ProviderListing["users"], complete = true): ProviderListing => ({
  provider: "idp",
  complete,
  users,
});
const recordsOf = (...records: PersonRecord[]) => new Map(records.map((record) => [record.person, record]));

describe("reconcilePlan", () => {
  it("creates a person the provider lacks and sends the snapshot's change", () => {
    const change = hrChange("E1", 0, ann);
    const plan = reconcilePlan({
      snapshot: snapshotOf([change]),
      records: new Map(),
      providers: [{ comparison: testComparison(), listing: listing([]) }],
    });
    expect(plan.providers[0]?.rows).toEqual([{ action: "create", person: "E1", loginId: ann.loginId }]);
    expect(plan.changes).toEqual([change]);
    expect(plan.acknowledgements).toEqual([]);
  });

  it("repairs drift: lists the attributes that differ and records what the provider holds", () => {
    const change = hrChange("E1", 0, { ...ann, title: "Lead" });
    const record = recordOf("E1", [change], { idp: { user: { ...ann, title: "Lead" }, userId: "U1" } });
    const plan = reconcilePlan({
      snapshot: snapshotOf([change]),
      records: recordsOf(record),
      providers: [
        { comparison: testComparison(), listing: listing([listed("U1", { ...ann, familyName: "Leigh" })]) },
      ],
    });
    expect(plan.providers[0]?.rows).toEqual([
      { action: "repair", person: "E1", userId: "U1", loginId: ann.loginId, attributes: ["familyName"] },
    ]);
    expect(plan.acknowledgements).toEqual([
      {
        person: "E1",
        provider: "idp",
        expected: record.providers.idp,
        state: { user: { ...ann, familyName: "Leigh", title: "Lead" }, userId: "U1" },
      },
    ]);
    expect(plan.changes).toEqual([change]);
  });

  it("sees no drift in what the provider cannot store (an empty string against none)", () => {
    const change = hrChange("E1", 0, { ...ann, middleName: "" });
    const record = recordOf("E1", [change], { idp: { user: ann, userId: "U1" } });
    const plan = reconcilePlan({
      snapshot: snapshotOf([change]),
      records: recordsOf(record),
      providers: [{ comparison: testComparison(), listing: listing([listed("U1", ann)]) }],
    });
    expect(plan.providers[0]).toMatchObject({ rows: [], unchanged: 1 });
    expect(plan.changes).toEqual([]);
  });

  it("takes attributes the listing does not show as acknowledged, and repairs a newer HR value of them", () => {
    const old = hrChange("E1", 0, { ...ann, title: "Dev" });
    const record = recordOf("E1", [old], { idp: { user: { ...ann, title: "Dev" }, userId: "U1" } });
    const promoted = hrChange("E1", 10, { ...ann, title: "Lead" });
    const plan = reconcilePlan({
      snapshot: snapshotOf([promoted]),
      records: recordsOf(record),
      providers: [{ comparison: testComparison(), listing: listing([listed("U1", ann)]) }],
    });
    expect(plan.providers[0]?.rows).toMatchObject([{ action: "repair", attributes: ["title"] }]);
    expect(plan.acknowledgements).toEqual([]);
  });

  it("recreates a person the provider acknowledged but no longer has", () => {
    const change = hrChange("E1", 0, ann);
    const record = recordOf("E1", [change], { idp: { user: ann, userId: "U1" } });
    const plan = reconcilePlan({
      snapshot: snapshotOf([change]),
      records: recordsOf(record),
      providers: [{ comparison: testComparison(), listing: listing([]) }],
    });
    expect(plan.providers[0]?.rows).toEqual([{ action: "recreate", person: "E1", loginId: ann.loginId }]);
    expect(plan.acknowledgements).toEqual([
      { person: "E1", provider: "idp", expected: record.providers.idp, state: { user: {}, deleted: true } },
    ]);
  });

  it("makes a leaver of a person a complete snapshot lacks: a delete stamped with the fetch time", () => {
    const record = recordOf("E2", [hrChange("E2", 0, bo)], { idp: { user: bo, userId: "U2" } });
    const plan = reconcilePlan({
      snapshot: snapshotOf([], true, "2026-02-01T00:00:00.000Z"),
      records: recordsOf(record),
      providers: [{ comparison: testComparison(), listing: listing([listed("U2", bo)]) }],
    });
    expect(plan.providers[0]?.rows).toEqual([
      { action: "leaver", person: "E2", userId: "U2", loginId: bo.loginId },
    ]);
    expect(plan.changes).toEqual([
      {
        id: expect.stringMatching(/^reconcile-/),
        source: "hr",
        person: "E2",
        at: "2026-02-01T00:00:00.000Z",
        kind: "delete",
        attributes: {},
      },
    ]);
  });

  it("never makes leavers from an incomplete snapshot, nor when leavers are off", () => {
    const record = recordOf("E2", [hrChange("E2", 0, bo)], { idp: { user: bo, userId: "U2" } });
    for (const [complete, leavers] of [
      [false, true],
      [true, false],
    ] as const) {
      const plan = reconcilePlan({
        snapshot: snapshotOf([], complete),
        records: recordsOf(record),
        providers: [{ comparison: testComparison(), listing: listing([listed("U2", bo)]) }],
        leavers,
      });
      expect(plan.providers[0]).toMatchObject({ rows: [], counts: { leaver: 0, orphan: 0 } });
      expect(plan.changes).toEqual([]);
    }
  });

  it("lets a newer webhook win over the snapshot: a person rehired after the fetch is no leaver", () => {
    const rehired = hrChange("E2", 2000, { ...bo, active: true }, "reactivate");
    const record = recordOf("E2", [hrChange("E2", 0, bo), rehired], { idp: { user: bo, userId: "U2" } });
    const plan = reconcilePlan({
      snapshot: snapshotOf([], true, "2026-01-01T00:10:00.000Z"),
      records: recordsOf(record),
      providers: [{ comparison: testComparison(), listing: listing([listed("U2", bo)]) }],
    });
    expect(plan.providers[0]).toMatchObject({ rows: [], unchanged: 1 });
  });

  it("adopts an unmanaged user with the new person's loginId, or the only one with its e-mail", () => {
    const byLogin = hrChange("E1", 0, ann);
    const byEmail = hrChange("E3", 0, cy);
    const plan = reconcilePlan({
      snapshot: snapshotOf([byLogin, byEmail]),
      records: new Map(),
      providers: [
        {
          comparison: testComparison(),
          listing: listing([
            listed("U1", { ...ann, givenName: "Annie" }),
            { ...listed("U3", { ...cy, loginId: "cpark" }), loginIds: ["cpark"] },
          ]),
        },
      ],
    });
    expect(plan.providers[0]?.rows).toEqual([
      { action: "adopt", person: "E1", userId: "U1", loginId: ann.loginId, attributes: ["givenName"] },
      { action: "adopt", person: "E3", userId: "U3", loginId: cy.loginId, attributes: ["loginId"] },
    ]);
    expect(plan.acknowledgements).toEqual([
      {
        person: "E1",
        provider: "idp",
        expected: undefined,
        state: { user: { ...ann, givenName: "Annie" }, userId: "U1" },
      },
      {
        person: "E3",
        provider: "idp",
        expected: undefined,
        state: { user: { ...cy, loginId: "cpark" }, userId: "U3" },
      },
    ]);
    expect(plan.changes).toEqual([byLogin, byEmail]);
  });

  it("reports unmanaged, unmatched users as orphans and touches them not", () => {
    const plan = reconcilePlan({
      snapshot: snapshotOf([]),
      records: new Map(),
      providers: [{ comparison: testComparison(), listing: listing([listed("U9", cy)]) }],
    });
    expect(plan.providers[0]?.rows).toEqual([{ action: "orphan", userId: "U9", loginId: cy.loginId }]);
    expect(plan.changes).toEqual([]);
    expect(plan.acknowledgements).toEqual([]);
  });

  it("plans nothing for a provider whose listing is incomplete", () => {
    const plan = reconcilePlan({
      snapshot: snapshotOf([hrChange("E1", 0, ann)]),
      records: new Map(),
      providers: [
        { comparison: testComparison(), listing: { ...listing([], false), error: "listing failed: 500" } },
      ],
    });
    expect(plan.providers[0]).toMatchObject({ planned: false, error: "listing failed: 500", rows: [] });
    expect(plan.changes).toEqual([]);
  });

  it("plans every provider on its own and sends each person's changes once", () => {
    const change = hrChange("E1", 0, ann);
    const record = recordOf("E1", [change], { idp: { user: ann, userId: "U1" } });
    const other = { ...listing([]), provider: "other" };
    const plan = reconcilePlan({
      snapshot: snapshotOf([change]),
      records: recordsOf(record),
      providers: [
        { comparison: testComparison(), listing: listing([listed("U1", ann)]) },
        { comparison: testComparison(), listing: other },
      ],
    });
    expect(plan.providers.map((provider) => provider.rows.map((row) => row.action))).toEqual([
      [],
      ["create"],
    ]);
    expect(plan.changes).toEqual([change]);
  });
});
