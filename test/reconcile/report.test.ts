import { describe, expect, it } from "vitest";
import { reconcilePlan } from "../../shared/reconcile/plan.ts";
import { reconcileReport, renderReport } from "../../shared/reconcile/report.ts";
import { hrChange, listed, recordOf, snapshotOf, testComparison } from "./fixtures.ts";

const ann = {
  loginId: "ann.lee@example.com",
  email: "ann.lee@example.com",
  givenName: "Ann",
  familyName: "Lee",
};

function plan(complete = true) {
  const change = hrChange("E1", 0, ann);
  const record = recordOf("E1", [change], { idp: { user: ann, userId: "U1" } });
  return reconcilePlan({
    snapshot: snapshotOf([change], complete, "2026-03-01T03:00:00.000Z"),
    records: new Map([["E1", record]]),
    providers: [
      {
        comparison: testComparison(),
        listing: { provider: "idp", complete: true, users: [listed("U1", { ...ann, familyName: "Leigh" })] },
      },
      {
        comparison: testComparison(),
        listing: { provider: "down", complete: false, users: [], error: "listing failed: HTTP 503" },
      },
    ],
  });
}

describe("renderPlan", () => {
  it("shows counts per provider and action, then the rows with the attributes that differ, loginIds redacted", () => {
    expect(renderReport(reconcileReport({ status: "planned", plan: plan() }))).toBe(
      [
        "reconcile hr: snapshot of 2026-03-01T03:00:00.000Z, complete",
        "",
        "provider  create  repair  recreate  leaver  adopt  orphan  unchanged",
        "idp       0       1       0         0       0      0       0",
        "down: not planned, listing failed: HTTP 503",
        "",
        "first 1 of 1 rows:",
        "idp  repair  E1  ***@example.com  familyName",
        "",
        "dry run: nothing written, nothing sent",
      ].join("\n"),
    );
  });

  it("says when a snapshot is incomplete, and what was applied", () => {
    const text = renderReport(
      reconcileReport({
        status: "planned",
        plan: plan(false),
        applied: { acknowledged: 1, superseded: 0, enqueued: 1, scheduled: 0, failed: ["c1"] },
      }),
    );
    expect(text).toContain("INCOMPLETE (no leavers)");
    expect(text).toContain(
      "applied: 1 provider states corrected (0 overtaken by the sync), 1 changes queued, 0 leavers held until their leaving date, 1 NOT queued (run again)",
    );
  });

  it("gives every row as JSON, with counts, but no change bodies", () => {
    const json = reconcileReport({ status: "planned", plan: plan() });
    expect(json).toMatchObject({
      changes: 1,
      acknowledgements: 1,
      rows: [
        {
          provider: "idp",
          action: "repair",
          person: "E1",
          loginId: "ann.lee@example.com",
          attributes: ["familyName"],
        },
      ],
    });
    expect(JSON.stringify(json)).not.toContain("Leigh");
  });
});
