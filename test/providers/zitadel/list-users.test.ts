import { describe, expect, it } from "vitest";
import { createZitadelDirectory, listUsersPath } from "../../../shared/providers/zitadel/list-users.ts";
import { driftedAttributes, observedUser } from "../../../shared/reconcile/drift.ts";
import { readListing } from "../../../shared/reconcile/read.ts";
import { FakeClock } from "../../simulators/descope/fake-clock.ts";
import { orgId } from "../../simulators/zitadel/http.ts";
import { createOp, type Harness, harnessPerTest, MemoryLog } from "./harness.ts";

const start = harnessPerTest();

const people = Array.from({ length: 5 }, (_, index) => ({
  loginId: `p${index}@example.com`,
  email: `p${index}@example.com`,
  givenName: `Given${index}`,
  familyName: "Family",
  ...(index === 1 ? { phone: "+41791234567" } : {}),
  ...(index === 4 ? { active: false } : {}),
}));

async function seeded(options: Parameters<typeof start>[0] = {}) {
  const harness = await start({ ...options, config: { api: "v2" } });
  for (const [index, user] of people.entries()) {
    const [outcome] = await harness.provider.apply([createOp(`E${index}`, user)]);
    expect(outcome?.result).toBe("applied");
  }
  return harness;
}

const directoryOf = ({ config, secrets }: Harness, clock?: FakeClock) =>
  createZitadelDirectory(
    config,
    { secrets, log: new MemoryLog(), ...(clock ? { clock } : {}) },
    { pageSize: 2 },
  );

describe("ZITADEL directory", () => {
  it("pages through the v2 ListUsers of the organisation, oldest first, in canonical terms", async () => {
    const harness = await seeded();
    const directory = directoryOf(harness);
    const listing = await readListing(directory, { log: new MemoryLog() });
    expect(listing.complete).toBe(true);
    const pages = harness.requestsTo(listUsersPath, "POST").map((request) => request.body);
    expect(pages).toEqual(
      ["0", "2", "4"].map((offset) => ({
        query: { offset, limit: 2, asc: true },
        sortingColumn: "USER_FIELD_NAME_CREATION_DATE",
        queries: [{ organizationIdQuery: { organizationId: orgId } }],
      })),
    );
    expect(listing.users.map((user) => user.loginIds)).toEqual(people.map((person) => [person.loginId]));
    // Just created from these people: no drift, although the provider shows defaults they never set.
    for (const [index, user] of listing.users.entries()) {
      const person = people[index] ?? {};
      expect(driftedAttributes(person, observedUser(person, person, user, directory), directory)).toEqual([]);
    }
    expect(listing.users[1]?.user).toMatchObject({ phone: "+41791234567", displayName: "Given1 Family" });
    expect(listing.users[4]?.user.active).toBe(false);
  });

  it("waits out ZITADEL's 429 and its Retry-After", async () => {
    const clock = new FakeClock();
    const harness = await seeded({ clock });
    harness.sim.setFaults({ rateLimitRate: 0.5, retryAfterSeconds: 2 });
    const listing = await readListing(directoryOf(harness, clock), { log: new MemoryLog() });
    expect(listing).toMatchObject({ complete: true });
    expect(listing.users).toHaveLength(5);
    const statuses = harness.requestsTo(listUsersPath, "POST").map((request) => request.status);
    expect(statuses).toContain(429);
  });
});
