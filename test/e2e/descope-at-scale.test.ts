import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime.ts";
import { type DescopeSimulator, startDescopeSimulator } from "../../local/simulators/descope/simulator.ts";
import type { UserChange } from "../../shared/model/change.ts";
import { seeded, shuffle } from "./chaos-data.ts";

const projectId = "P2scaleProject000000000000000";
const managementKey = "scale-key";
const people = 2_000;
const changesPerPerson = 5;
const usersPerBatch = 100;

const loginIdOf = (person: number) => `p${person}@example.com`;

/** Person p changes their given name five times; the last (by `at`) must win, whatever the arrival order. */
function joinersAndMovers(): UserChange[] {
  const changes: UserChange[] = [];
  for (let person = 0; person < people; person += 1) {
    for (let version = 0; version < changesPerPerson; version += 1) {
      changes.push({
        id: `c-${person}-${version}`,
        source: "hr",
        person: `E-${person}`,
        at: new Date(Date.UTC(2026, 0, 1) + version * 60_000 + person).toISOString(),
        kind: "upsert",
        attributes: {
          loginId: loginIdOf(person),
          email: loginIdOf(person),
          givenName: `Given${person}-v${version}`,
          familyName: `Family${person}`,
          active: true,
        },
      });
    }
  }
  shuffle(changes, seeded(7));
  return changes;
}

describe("Descope at its rate limits: 10,000 changes for 2,000 people through the local runtime", () => {
  let descope: DescopeSimulator;
  let runtime: LocalRuntime;
  beforeAll(async () => {
    // The simulator enforces Descope's documented limits: create paths 100, other user paths 500 per 60 s.
    descope = await startDescopeSimulator({ projectId, managementKey });
    runtime = await startLocalRuntime({
      port: 0,
      logLevel: "SILENT",
      config: {
        providers: [
          { type: "descope", secretName: "descope", baseUrl: descope.url, maxUsersPerBatch: usersPerBatch },
        ],
        queue: { batchSize: 10_000, maxBatchingWindowSeconds: 1, retryBaseSeconds: 0.2, retryMaxSeconds: 2 },
      },
      secrets: { descope: `${projectId}:${managementKey}` },
    });
  });
  afterAll(async () => {
    await runtime.stop();
    await descope.close();
  });

  const userCalls = () => descope.requests().filter((request) => request.path.startsWith("/v1/mgmt/user"));

  it("ends in the last-written state with the minimum number of calls and no 429 of our own making", async () => {
    const changes = joinersAndMovers();
    await runtime.poller.stop();
    expect(await runtime.queue.send(changes)).toEqual([]);
    runtime.poller.start();
    await runtime.settled(120_000);

    const users = descope.users();
    expect(users).toHaveLength(people);
    for (const person of [0, 1, 999, people - 1]) {
      expect(users.find((user) => user.loginIds[0] === loginIdOf(person))).toMatchObject({
        givenName: `Given${person}-v${changesPerPerson - 1}`,
        familyName: `Family${person}`,
      });
    }
    expect(users.every((user) => /-v4$/.test(user.givenName ?? ""))).toBe(true);

    const calls = userCalls();
    const minimum = Math.ceil(people / usersPerBatch);
    const rateLimited = calls.filter((call) => call.status === 429).length;
    console.log(
      `descope at scale: ${changes.length} changes, ${people} people → ${calls.length} calls ` +
        `(minimum ${minimum}, one-call-per-change baseline ${changes.length}), 429s ${rateLimited}`,
    );
    expect(calls.length).toBeLessThanOrEqual(Math.floor(minimum * 1.02));
    expect(rateLimited).toBe(0);
    expect(runtime.queue.deadLetters).toEqual([]);
  });

  it("retries injected 429s to success", async () => {
    const before = userCalls().length;
    descope.setFaults({ rateLimitRate: 0.3, retryAfterSeconds: 1 });
    const moves: UserChange[] = Array.from({ length: people }, (_, person) => ({
      id: `move-${person}`,
      source: "hr",
      person: `E-${person}`,
      at: new Date(Date.UTC(2026, 1, 1) + person).toISOString(),
      kind: "upsert",
      attributes: { familyName: `Moved${person}` },
    }));
    await runtime.queue.send(moves);
    await runtime.settled(120_000);
    descope.setFaults({});

    const calls = userCalls().slice(before);
    const injected = calls.filter((call) => call.status === 429).length;
    console.log(
      `descope at scale: ${people} moves, ${calls.length} calls, ${injected} injected 429s retried`,
    );
    expect(injected).toBeGreaterThan(0);
    expect(
      descope
        .users()
        .every((user) => user.familyName === user.loginIds[0]?.replace(/^p(\d+)@.*$/, "Moved$1")),
    ).toBe(true);
    expect(runtime.queue.deadLetters).toEqual([]);
  });
});
