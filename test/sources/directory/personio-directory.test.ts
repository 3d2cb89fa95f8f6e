import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimRequest } from "../../../local/simulators/hr/http.ts";
import { type PersonioSimulator, startPersonioSimulator } from "../../../local/simulators/hr/personio.ts";
import { readSnapshot, type SnapshotProgress } from "../../../shared/sources/directory/snapshot.ts";
import { brief, fetchedAt, RecordingClock, readerOf } from "./helpers.ts";

let sim: PersonioSimulator;
beforeEach(async () => {
  sim = await startPersonioSimulator({ clientId: "client-1", clientSecret: "secret-1" });
});
afterEach(() => sim.close());

const reader = (
  directory: { pageSize: number; concurrency: number } | null = { pageSize: 2, concurrency: 2 },
) =>
  readerOf(
    {
      type: "personio",
      name: "personio",
      secretNames: ["personio-webhook-token"],
      leavers: { timeZone: "Europe/Berlin" },
      api: {
        baseUrl: sim.url,
        credentialsSecretName: "personio-client",
        requestTimeoutMs: 2000,
        ...(directory ? { directory } : {}),
      },
    },
    { "personio-client": "client-1:secret-1" },
  );

/** Five people, ids 4701–4705; 4704 has left. */
function staff() {
  for (const [id, first, status] of [
    ["4701", "Jonas", "ACTIVE"],
    ["4702", "Lena", "ONBOARDING"],
    ["4703", "Mia", "LEAVE"],
    ["4704", "Paul", "INACTIVE"],
    ["4705", "Sara", "ACTIVE"],
  ] as const)
    sim.setPerson(
      id,
      { first_name: first, last_name: "Weber", email: `${first.toLowerCase()}@acme.example` },
      { status, position: { title: "Consultant" }, supervisor: { id: "4000" } },
    );
}

const listRequests = () =>
  sim.requests.filter((request) => request.path === "/v2/persons").map((request) => request.query.toString());
const cursorOfPage = (page: number) => (request: SimRequest) =>
  request.path === "/v2/persons" && request.query.has("cursor") && listRequests().length >= page;

describe("Personio full-directory read (persons list)", () => {
  it("pages through the persons with their employments and reports progress per page", async () => {
    staff();
    const progress: SnapshotProgress[] = [];
    const snapshot = await readSnapshot(reader(), { fetchedAt, onPage: (step) => progress.push(step) });

    expect(listRequests()).toEqual([
      "limit=2",
      expect.stringMatching(/^limit=2&cursor=cur_/),
      expect.stringMatching(/^limit=2&cursor=cur_/),
    ]);
    expect(sim.requests.filter((request) => request.path.includes("/employments/"))).toHaveLength(5);
    expect(progress.map(({ pages, people, next }) => [pages, people, next !== undefined])).toEqual([
      [1, 2, true],
      [2, 4, true],
      [3, 5, false],
    ]);
    expect(snapshot).toMatchObject({ complete: true, pages: 3 });
    expect(brief(snapshot.changes)).toEqual([
      {
        person: "4701",
        kind: "upsert",
        attributes: {
          loginId: "jonas@acme.example",
          email: "jonas@acme.example",
          givenName: "Jonas",
          familyName: "Weber",
          title: "Consultant",
          manager: "4000",
          active: true,
        },
      },
      { person: "4702", kind: "upsert", attributes: expect.objectContaining({ active: true }) },
      { person: "4703", kind: "upsert", attributes: expect.objectContaining({ active: true }) },
      { person: "4704", kind: "deactivate", attributes: {} },
      { person: "4705", kind: "upsert", attributes: expect.objectContaining({ givenName: "Sara" }) },
    ]);
  });

  it("asks for Personio's largest page, 50 persons, unless configured otherwise", async () => {
    staff();
    const snapshot = await readSnapshot(reader(null), { fetchedAt });
    expect(listRequests()).toEqual(["limit=50"]);
    expect(snapshot).toMatchObject({ complete: true, pages: 1 });
    expect(snapshot.changes).toHaveLength(5);
  });

  it("waits out a 429 on a later page and reads on", async () => {
    staff();
    sim.failWhen(cursorOfPage(2), 429, { times: 1, retryAfterSeconds: 4 });
    const clock = new RecordingClock(Date.parse(fetchedAt));
    const snapshot = await readSnapshot(reader(), { fetchedAt, clock });
    expect(clock.sleeps).toEqual([4000]);
    expect(snapshot).toMatchObject({ complete: true, pages: 3 });
    expect(snapshot.changes.map((change) => change.person)).toEqual(["4701", "4702", "4703", "4704", "4705"]);
  });

  it("keeps the pages read when a page fails for good, and resumes from its cursor", async () => {
    staff();
    sim.failWhen(cursorOfPage(3), 502, {
      times: 3,
      retryAfterSeconds: null,
    });
    const clock = new RecordingClock(Date.parse(fetchedAt));
    const retry = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterSeconds: 300 };
    const first = await readSnapshot(reader(), { fetchedAt, clock, retry });

    expect(clock.sleeps).toEqual([500, 1000]);
    expect(first).toMatchObject({ complete: false, pages: 2 });
    expect(first.changes.map((change) => change.person)).toEqual(["4701", "4702", "4703", "4704"]);
    expect(first.resumeCursor).toMatch(/^cur_/);
    expect(first.failure).toBe(
      `the page at cursor "${first.resumeCursor}" failed: Personio persons list: the HR API answered 502 (tried 3 times)`,
    );

    const rest = await readSnapshot(reader(), { fetchedAt, cursor: first.resumeCursor, clock, retry });
    expect(rest).toMatchObject({ complete: true, pages: 1 });
    expect(rest.changes.map((change) => change.person)).toEqual(["4705"]);
    expect(listRequests().at(-1)).toBe(`limit=2&cursor=${first.resumeCursor}`);
  });

  it("stops at the deadline between pages, resumable where it stopped", async () => {
    staff();
    const clock = new RecordingClock(Date.parse(fetchedAt));
    const deadline = clock.now() + 1;
    const snapshot = await readSnapshot(reader(), {
      fetchedAt,
      clock,
      deadline,
      onPage: () => clock.advance(1),
    });
    expect(snapshot).toMatchObject({ complete: false, pages: 1, failure: "stopped at the deadline" });
    expect(snapshot.changes).toHaveLength(2);
    const rest = await readSnapshot(reader(), { fetchedAt, cursor: snapshot.resumeCursor });
    expect(rest.changes.map((change) => change.person)).toEqual(["4703", "4704", "4705"]);
  });

  it("fails the page when an employment read fails, rather than reading the person without it", async () => {
    staff();
    sim.failWhen((request) => request.path.startsWith("/v2/persons/4702/employments/"), 503, {
      retryAfterSeconds: 1,
    });
    const snapshot = await readSnapshot(reader(), {
      fetchedAt,
      clock: new RecordingClock(0),
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterSeconds: 300 },
    });
    expect(snapshot).toMatchObject({ complete: false, pages: 0, changes: [] });
    expect(snapshot.failure).toMatch(
      /^the first page failed: Personio employment .+: the HR API answered 503/,
    );
  });

  it("refuses a cursor the simulator never issued, as Personio does", async () => {
    staff();
    const snapshot = await readSnapshot(reader(), { fetchedAt, cursor: "not-a-cursor" });
    expect(snapshot.complete).toBe(false);
    expect(snapshot.failure).toBe(
      'the page at cursor "not-a-cursor" failed: Personio persons list: the HR API answered 400',
    );
  });
});
