import { describe, expect, it } from "vitest";
import type { Fetch } from "../../../shared/http/request.ts";
import { FakeClock } from "../../simulators/descope/fake-clock.ts";
import { createOp, harnessPerTest } from "./harness.ts";

const start = harnessPerTest();

const creates = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    createOp(`p${index}`, {
      loginId: `u${index}`,
      email: `u${index}@example.com`,
      givenName: "U",
      familyName: String(index),
    }),
  );

/** A fetch that notes, on the fake clock, when each request left (where pacing happens). */
const timedFetch =
  (clock: FakeClock, times: number[]): Fetch =>
  (input, init) => {
    times.push(clock.now());
    return fetch(input, init);
  };

describe("ZITADEL provider: bounded concurrency", () => {
  it("works on at most maxConcurrency users at once", async () => {
    for (const maxConcurrency of [1, 3]) {
      const h = await start({ config: { maxConcurrency } });
      h.sim.setFaults({ latencyMs: 30 });
      const outcomes = await h.provider.apply(creates(9));
      expect(outcomes.every((outcome) => outcome.result === "applied")).toBe(true);
      expect(h.sim.stats().maxInFlight).toBe(maxConcurrency);
      await h.sim.close();
    }
  });
});

describe("ZITADEL provider: pacing", () => {
  it("spreads requests evenly over its share of requestsPerSecond (20/s across 2 processes: one per 100 ms)", async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const h = await start({
      clock,
      fetch: timedFetch(clock, times),
      concurrency: 2,
      config: { requestsPerSecond: 20, maxConcurrency: 5 },
    });
    const started = clock.now();
    const outcomes = await h.provider.apply(creates(10));
    expect(outcomes.every((outcome) => outcome.result === "applied")).toBe(true);
    expect(times.map((time) => time - started)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it("starts no request after the invocation's deadline and hands those users back", async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const h = await start({
      clock,
      fetch: timedFetch(clock, times),
      concurrency: 2,
      config: { requestsPerSecond: 20, maxConcurrency: 5 },
    });
    const started = clock.now();
    const outcomes = await h.provider.apply(creates(10), { deadline: started + 450 });
    expect(times.map((time) => time - started)).toEqual([0, 100, 200, 300, 400]);
    expect(outcomes.filter((outcome) => outcome.result === "applied")).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome.result === "retry")).toEqual(
      Array.from({ length: 5 }, () =>
        expect.objectContaining({ reason: expect.stringContaining("no time left in this invocation") }),
      ),
    );
  });

  it("after a short Retry-After retries the refused user and holds every request back until it has passed", async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const h = await start({
      clock,
      fetch: timedFetch(clock, times),
      sim: { requestsPerSecond: 2 },
      config: { maxConcurrency: 1 },
    });
    const outcomes = await h.provider.apply(creates(4));
    expect(outcomes.map((outcome) => outcome.result)).toEqual(["applied", "applied", "retry", "applied"]);
    expect(outcomes[2]).toEqual({
      person: "p2",
      result: "retry",
      reason: "create: ZITADEL answered HTTP 429 resource_exhausted (Too many requests (QUOTA-vjAy8))",
      retryAfterSeconds: 1,
    });
    expect(h.sim.requests().map((request) => request.status)).toEqual([200, 200, 429, 200]);
    expect((times[3] ?? 0) - (times[2] ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(h.log.entries).toContainEqual({
      level: "warn",
      message: "ZITADEL rate limit hit",
      extra: [{ provider: "zitadel", seconds: 1 }],
    });
  });

  it("after a long Retry-After hands every waiting user back to the queue without sending", async () => {
    const clock = new FakeClock();
    const h = await start({ clock, config: { maxConcurrency: 1 } });
    h.sim.setFaults({ rateLimitRate: 1, nonJson429: true, retryAfterSeconds: 30 });
    const outcomes = await h.provider.apply(creates(3));
    expect(outcomes).toEqual([
      {
        person: "p0",
        result: "retry",
        reason:
          "create: ZITADEL answered HTTP 429 (<html><body><h1>429 Too Many Requests</h1></body></html>)",
        retryAfterSeconds: 30,
      },
      ...["p1", "p2"].map((person) => ({
        person,
        result: "retry",
        reason: "create: ZITADEL rate limit: paused for 30 s",
        retryAfterSeconds: 30,
      })),
    ]);
    expect(h.sim.requests()).toHaveLength(1);
    h.sim.setFaults({});
    clock.advance(10_000);
    expect(await h.provider.apply(creates(1))).toEqual([
      expect.objectContaining({ result: "retry", retryAfterSeconds: 20 }),
    ]);
    clock.advance(20_000);
    expect((await h.provider.apply(creates(3))).map((outcome) => outcome.result)).toEqual([
      "applied",
      "applied",
      "applied",
    ]);
  });
});
