import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HiBobSimulator, startHiBobSimulator } from "../../../local/simulators/hr/hibob.ts";
import { readSnapshot } from "../../../shared/sources/directory/snapshot.ts";
import { hiBobPresetFieldIds } from "../preset-fields.ts";
import { brief, fetchedAt, RecordingClock, readerOf } from "./helpers.ts";

let sim: HiBobSimulator;
beforeEach(async () => {
  sim = await startHiBobSimulator({ serviceUserId: "SERVICE-1", token: "bob-token" });
});
afterEach(() => sim.close());

const reader = () =>
  readerOf(
    {
      type: "hibob",
      name: "hibob",
      secretNames: ["hibob-webhook-secret"],
      api: { baseUrl: sim.url, credentialsSecretName: "hibob-service-user", requestTimeoutMs: 2000 },
      leavers: { timeZone: "Asia/Jerusalem" },
    },
    { "hibob-service-user": "SERVICE-1:bob-token" },
  );

const employee = (first: string, status: "Active" | "Inactive", terminationDate: string | null) => ({
  firstName: first,
  surname: "Cohen",
  email: `${first.toLowerCase()}.cohen@acme.example`,
  work: { department: "1234", title: "5678", employeeIdInCompany: 42, reportsTo: { id: "900" } },
  internal: { status, terminationDate },
  humanReadable: { work: { department: "R&D", title: "Engineer" } },
});

describe("HiBob full-directory read (people search)", () => {
  it("searches every employee, leavers included, and maps list values by their names", async () => {
    sim.setEmployee("3001", employee("Dana", "Active", null));
    sim.setEmployee("3002", employee("Eli", "Inactive", "2026-02-28"));
    const snapshot = await readSnapshot(reader(), { fetchedAt });

    const request = sim.requests[0];
    expect([request?.method, request?.path]).toEqual(["POST", "/v1/people/search"]);
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from("SERVICE-1:bob-token").toString("base64")}`,
    );
    expect(JSON.parse(request?.body ?? "{}")).toEqual({
      fields: ["root.id", ...hiBobPresetFieldIds],
      humanReadable: "APPEND",
      showInactive: true,
    });
    expect(snapshot).toMatchObject({ complete: true, pages: 1, held: [], problems: [] });
    expect(brief(snapshot.changes)).toEqual([
      {
        person: "3001",
        kind: "upsert",
        attributes: {
          loginId: "dana.cohen@acme.example",
          email: "dana.cohen@acme.example",
          givenName: "Dana",
          familyName: "Cohen",
          title: "Engineer",
          department: "R&D",
          employeeNumber: "42",
          manager: "900",
          active: true,
        },
      },
      { person: "3002", kind: "deactivate", attributes: {} },
    ]);
  });

  it("holds a leaver whose termination date is still ahead, in the employee's time zone", async () => {
    sim.setEmployee("3003", employee("Noa", "Active", "2026-03-31"));
    const snapshot = await readSnapshot(reader(), { fetchedAt });
    expect(brief(snapshot.changes)).toEqual([
      { person: "3003", kind: "upsert", attributes: expect.objectContaining({ active: true }) },
    ]);
    // The end of 31 March in Jerusalem (IDT, UTC+3).
    expect(snapshot.held?.map(({ at }) => at)).toEqual(["2026-03-31T21:00:00.000Z"]);
  });

  it("rides out a 429 and fails the read, keeping nothing false, when Bob keeps answering 500", async () => {
    sim.setEmployee("3001", employee("Dana", "Active", null));
    sim.failNext(429, 2, { retryAfterSeconds: 2 });
    const clock = new RecordingClock(Date.parse(fetchedAt));
    expect(await readSnapshot(reader(), { fetchedAt, clock })).toMatchObject({ complete: true });
    expect(clock.sleeps).toEqual([2000, 2000]);

    sim.failNext(500, 5, { retryAfterSeconds: null });
    const failed = await readSnapshot(reader(), { fetchedAt, clock });
    expect(failed).toMatchObject({ complete: false, changes: [], pages: 0 });
    expect(failed.failure).toBe(
      "the first page failed: HiBob people search: the HR API answered 500 (tried 5 times)",
    );
  });

  it("fails the read on an answer without an employees list instead of reading it as nobody", async () => {
    sim.failWhen(() => true, 200, { times: 1 });
    const snapshot = await readSnapshot(reader(), { fetchedAt });
    expect(snapshot.complete).toBe(false);
    expect(snapshot.failure).toBe(
      'the first page failed: HiBob people search: the answer has no "employees" list',
    );
  });
});
