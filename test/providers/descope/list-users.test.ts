import { afterEach, describe, expect, it } from "vitest";
import { createDescopeDirectory, searchPath } from "../../../shared/providers/descope/list-users.ts";
import { createDirectories } from "../../../shared/providers/directories.ts";
import { driftedAttributes, observedUser } from "../../../shared/reconcile/drift.ts";
import { readListing } from "../../../shared/reconcile/read.ts";
import { FakeClock } from "../../simulators/descope/fake-clock.ts";
import { createOp, type Harness, MemoryLog, startHarness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(() => harness?.sim.close());

const people = Array.from({ length: 5 }, (_, index) => ({
  loginId: `p${index}@example.com`,
  email: `p${index}@example.com`,
  givenName: `Given${index}`,
  familyName: "Family",
  title: index === 0 ? "Lead" : "Dev",
  roles: ["staff"],
  tenants: { t1: ["member"] },
  ...(index === 4 ? { active: false } : {}),
}));

async function seeded(options: Parameters<typeof startHarness>[0] = {}) {
  harness = await startHarness({
    ...options,
    config: { customAttributeNames: { title: "jobTitle" }, rateLimits: { otherPerMinute: 10_000 } },
  });
  const outcomes = await harness.provider.apply(people.map((user, index) => createOp(`E${index}`, user)));
  expect(outcomes.every((outcome) => outcome.result === "applied")).toBe(true);
  return harness;
}

const directoryOf = ({ config, secrets }: Harness, clock?: FakeClock) =>
  createDescopeDirectory(
    config,
    { secrets, log: new MemoryLog(), ...(clock ? { clock } : {}) },
    { pageSize: 2 },
  );

describe("Descope directory", () => {
  it("pages through POST /v2/mgmt/user/search and reads every user back in canonical terms", async () => {
    const started = await seeded();
    const directory = directoryOf(started);
    const listing = await readListing(directory, { log: new MemoryLog() });
    expect(listing.complete).toBe(true);
    expect(started.requestsTo(searchPath).map((request) => request.body)).toEqual([
      { limit: 2, page: 0 },
      { limit: 2, page: 1 },
      { limit: 2, page: 2 },
    ]);
    expect(listing.users.map((user) => user.user)).toEqual(
      people.map((person) => ({ ...person, active: person.active ?? true, emailVerified: false })),
    );
    // Just created from these people: no drift, although the provider shows defaults they never set.
    for (const [index, user] of listing.users.entries()) {
      const person = people[index] ?? {};
      expect(driftedAttributes(person, observedUser(person, person, user, directory), directory)).toEqual([]);
    }
    expect(listing.users[0]).toMatchObject({ loginIds: ["p0@example.com"], email: "p0@example.com" });
  });

  it("waits out Descope's 429 and its Retry-After, and still reads every page", async () => {
    const clock = new FakeClock();
    const started = await seeded({ clock, sim: { rateLimits: { createPerMinute: 100, otherPerMinute: 1 } } });
    const listing = await readListing(directoryOf(started, clock), { log: new MemoryLog() });
    expect(listing).toMatchObject({ complete: true });
    expect(listing.users).toHaveLength(5);
    const statuses = started.requestsTo(searchPath).map((request) => request.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
  });

  it("fails the listing when Descope keeps failing, rather than return part of it", async () => {
    const started = await seeded({ clock: new FakeClock() });
    started.sim.setFaults({ errorRate: 1 });
    const listing = await readListing(directoryOf(started, new FakeClock()), { log: new MemoryLog() });
    expect(listing).toMatchObject({ complete: false, error: expect.stringContaining("HTTP 500") });
  });

  it("lists at the search path's whole budget: no sync invocation shares that path, however many may run", async () => {
    const clock = new FakeClock();
    harness = await startHarness({ clock, config: { rateLimits: { otherPerMinute: 12 } } });
    const outcomes = await harness.provider.apply(people.map((user, index) => createOp(`E${index}`, user)));
    expect(outcomes.every((outcome) => outcome.result === "applied")).toBe(true);
    const [directory] = createDirectories(
      [harness.config],
      { secrets: harness.secrets, log: new MemoryLog(), clock, concurrency: 6 },
      1,
    );
    const started = clock.now();
    const listing = await readListing(directory as ReturnType<typeof createDescopeDirectory>, {
      log: new MemoryLog(),
    });
    expect(listing.users).toHaveLength(people.length);
    // Six pages at 12 a minute take seconds; at a sixth of that budget (a sync invocation's share) four minutes.
    expect(clock.now() - started).toBeLessThan(60_000);
  });
});
