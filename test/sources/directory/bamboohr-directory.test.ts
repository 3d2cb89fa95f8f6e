import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BambooHrSimulator, startBambooHrSimulator } from "../../../local/simulators/hr/bamboohr.ts";
import { readSnapshot } from "../../../shared/sources/directory/snapshot.ts";
import { bambooHrPresetAliases } from "../preset-fields.ts";
import { brief, fetchedAt, RecordingClock, readerOf } from "./helpers.ts";

const apiKey = "bamboo-key";
let sim: BambooHrSimulator;
beforeEach(async () => {
  sim = await startBambooHrSimulator({ apiKey });
});
afterEach(() => sim.close());

const reader = () =>
  readerOf(
    {
      type: "bamboohr",
      name: "bamboohr",
      secretNames: ["bamboohr-webhook-key"],
      api: { baseUrl: sim.url, apiKeySecretName: "bamboohr-api-key", requestTimeoutMs: 2000 },
      leavers: { timeZone: "America/Denver" },
    },
    { "bamboohr-api-key": apiKey },
  );

function staff() {
  sim.setEmployee("101", {
    firstName: "Ann",
    lastName: "Lee",
    workEmail: "Ann.Lee@acme.example",
    jobTitle: "Engineer",
    department: "R&D",
    supervisorEId: "100",
    status: "Active",
    terminationDate: "0000-00-00",
  });
  sim.setEmployee("102", {
    firstName: "Bo",
    lastName: "Chen",
    workEmail: "bo.chen@acme.example",
    status: "Inactive",
    terminationDate: "2026-02-27",
  });
  sim.setEmployee("103", {
    firstName: "Cy",
    lastName: "Diaz",
    workEmail: "cy.diaz@acme.example",
    status: "Active",
    terminationDate: "2026-04-30",
  });
}

describe("BambooHR full-directory read (custom report)", () => {
  it("asks for the mapped fields and turns every employee into one change, leavers deactivated", async () => {
    staff();
    const snapshot = await readSnapshot(reader(), { fetchedAt });

    expect(sim.requests.map(({ method, path, query }) => [method, path, query.get("format")])).toEqual([
      ["POST", "/api/v1/reports/custom", "JSON"],
    ]);
    expect(JSON.parse(sim.requests[0]?.body ?? "")).toEqual({
      title: "idp-sync directory",
      fields: bambooHrPresetAliases,
    });
    expect(snapshot).toMatchObject({ source: "bamboohr", fetchedAt, complete: true, pages: 1, problems: [] });
    expect(snapshot.resumeCursor).toBeUndefined();
    expect(brief(snapshot.changes)).toEqual([
      {
        person: "101",
        kind: "upsert",
        attributes: {
          loginId: "ann.lee@acme.example",
          email: "Ann.Lee@acme.example",
          givenName: "Ann",
          familyName: "Lee",
          displayName: null,
          middleName: null,
          title: "Engineer",
          department: "R&D",
          employeeNumber: null,
          manager: "100",
          customAttributes: { location: null, division: null, employmentType: null },
          active: true,
        },
      },
      { person: "102", kind: "deactivate", attributes: {} },
      {
        person: "103",
        kind: "upsert",
        attributes: expect.objectContaining({ givenName: "Cy", active: true }),
      },
    ]);
    expect(
      snapshot.changes.every((change) => change.at === fetchedAt && /^rc-[0-9a-f]{40}$/.test(change.id)),
    ).toBe(true);
    // Cy leaves at the end of 30 April in Denver (MDT, UTC−6).
    expect(snapshot.held?.map(({ change, at }) => [change.person, change.kind, at])).toEqual([
      ["103", "deactivate", "2026-05-01T06:00:00.000Z"],
    ]);
  });

  it("leaves the status of a person whose status the mapping does not know as it is, and says so", async () => {
    sim.setEmployee("104", { firstName: "Di", status: "Suspended", terminationDate: "2026-01-31" });
    const snapshot = await readSnapshot(reader(), { fetchedAt });
    expect(snapshot.complete).toBe(true);
    expect(snapshot.changes[0]).toMatchObject({ person: "104", kind: "upsert" });
    expect(snapshot.changes[0]?.attributes).not.toHaveProperty("active");
    expect(snapshot.problems).toEqual([
      "person 104: active: Invalid input: expected boolean, received string",
    ]);
  });

  it("gives the same change ids when the same snapshot is read again", async () => {
    staff();
    const first = await readSnapshot(reader(), { fetchedAt });
    const again = await readSnapshot(reader(), { fetchedAt });
    expect(again.changes.map((change) => change.id)).toEqual(first.changes.map((change) => change.id));
    const later = await readSnapshot(reader(), { fetchedAt: "2026-03-21T09:00:00.000Z" });
    expect(later.changes.map((change) => change.id)).not.toContain(first.changes[0]?.id);
  });

  it("waits out a 429 for its Retry-After and then reads the report", async () => {
    staff();
    sim.failNext(429, 1, { retryAfterSeconds: 7 });
    const clock = new RecordingClock(Date.parse(fetchedAt));
    const snapshot = await readSnapshot(reader(), { fetchedAt, clock });
    expect(clock.sleeps).toEqual([7000]);
    expect(sim.requests).toHaveLength(2);
    expect(snapshot.complete).toBe(true);
    expect(snapshot.changes).toHaveLength(3);
  });

  it("marks the snapshot incomplete when the report keeps failing, after a bounded backoff", async () => {
    staff();
    sim.failNext(503, 10, { retryAfterSeconds: null });
    const clock = new RecordingClock(Date.parse(fetchedAt));
    const retry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterSeconds: 300 };
    const snapshot = await readSnapshot(reader(), { fetchedAt, clock, retry });
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(sim.requests).toHaveLength(3);
    expect(snapshot).toMatchObject({ complete: false, changes: [], pages: 0 });
    expect(snapshot.failure).toBe(
      "the first page failed: BambooHR custom report: the HR API answered 503 (tried 3 times)",
    );
  });

  it("tries a 401 (a key being rotated) a bounded number of times, and a 403 only once", async () => {
    staff();
    const snapshot = await readSnapshot(
      readerOf(
        {
          type: "bamboohr",
          name: "bamboohr",
          secretNames: ["k"],
          api: { baseUrl: sim.url, apiKeySecretName: "bamboohr-api-key" },
        },
        { "bamboohr-api-key": "wrong" },
      ),
      { fetchedAt, clock: new RecordingClock(0) },
    );
    expect(snapshot.complete).toBe(false);
    expect(snapshot.failure).toContain("answered 401");
    sim.requests.length = 0;
    sim.failNext(403, 1);
    const refused = await readSnapshot(reader(), { fetchedAt, clock: new RecordingClock(0) });
    expect(sim.requests).toHaveLength(1);
    expect(refused.failure).toBe("the first page failed: BambooHR custom report: the HR API answered 403");
  });
});
