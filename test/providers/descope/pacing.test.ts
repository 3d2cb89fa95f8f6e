import { afterEach, describe, expect, it } from "vitest";
import type { Fetch } from "../../../shared/http/request.ts";
import { FakeClock } from "../../simulators/descope/fake-clock.ts";
import { createOp, type Harness, startHarness, statusOp } from "./harness.ts";

let harness: Harness | undefined;
afterEach(() => harness?.sim.close());

const minute = 60_000;

/** The most requests that started within any 60 s window. */
const busiestMinute = (times: readonly number[]) =>
  Math.max(...times.map((start) => times.filter((time) => time >= start && time < start + minute).length));

/** A fetch that notes, on the fake clock, when each batch create left. */
const timedFetch =
  (clock: FakeClock, times: number[]): Fetch =>
  (input, init) => {
    if (String(input).endsWith("/v1/mgmt/user/create/batch")) times.push(clock.now());
    return fetch(input, init);
  };

const creates = (count: number) =>
  Array.from({ length: count }, (_, index) => createOp(`p${index}`, { loginId: `u${index}` }));

describe("Descope provider: pacing", () => {
  it("never starts more than the create budget (100 per 60 s) in any minute", async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    // The simulator's own limiter is off: the fake clock may jump while a request is in flight, so the
    // pacing is measured where it happens, at the moment each request is sent.
    harness = await startHarness({
      clock,
      fetch: timedFetch(clock, times),
      sim: { rateLimits: false },
      config: { maxUsersPerBatch: 1 },
    });
    const started = clock.now();
    const outcomes = await harness.provider.apply(creates(250));
    expect(outcomes.every((outcome) => outcome.result === "applied")).toBe(true);
    expect(times).toHaveLength(250);
    expect(busiestMinute(times)).toBeLessThanOrEqual(100);
    // …and uses most of it: 250 calls at up to 100 a minute take at least a minute and a half.
    expect(clock.now() - started).toBeGreaterThanOrEqual(1.5 * minute);
    expect(clock.now() - started).toBeLessThan(3 * minute);
  });

  it("paces the other user paths to the conservative published budget (200 per 60 s)", async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const patchFetch: Fetch = (input, init) => {
      if (String(input).endsWith("/v1/mgmt/user/patch/batch")) times.push(clock.now());
      return fetch(input, init);
    };
    harness = await startHarness({
      clock,
      fetch: patchFetch,
      sim: { rateLimits: false },
      config: { maxUsersPerBatch: 1 },
    });
    await harness.provider.apply(creates(450));
    const deactivations = Array.from({ length: 450 }, (_, index) =>
      statusOp(`p${index}`, { user: { loginId: `u${index}` } }, false),
    );
    const outcomes = await harness.provider.apply(deactivations);
    expect(outcomes.every((outcome) => outcome.result === "applied")).toBe(true);
    expect(times).toHaveLength(450);
    expect(busiestMinute(times)).toBeLessThanOrEqual(200);
    expect(busiestMinute(times)).toBeGreaterThan(150);
  });

  it("divides the budget by the number of sync processes that may run at once", async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    harness = await startHarness({
      clock,
      fetch: timedFetch(clock, times),
      concurrency: 4,
      sim: { rateLimits: false },
      config: { maxUsersPerBatch: 1 },
    });
    await harness.provider.apply(creates(60));
    expect(busiestMinute(times)).toBeLessThanOrEqual(25);
  });

  it("answers a 429 with a retry after Retry-After and sends nothing on that path until it has passed", async () => {
    const clock = new FakeClock();
    const h = await startHarness({
      clock,
      sim: { rateLimits: { createPerMinute: 2, otherPerMinute: 500 } },
      config: { maxUsersPerBatch: 1, rateLimits: { createPerMinute: 1000 } },
    });
    harness = h;
    const first = await h.provider.apply(creates(3));
    expect(first.filter((outcome) => outcome.result === "applied")).toHaveLength(2);
    expect(first.filter((outcome) => outcome.result === "retry")).toEqual([
      expect.objectContaining({ retryAfterSeconds: 60, reason: expect.stringContaining("HTTP 429") }),
    ]);
    const sent = h.requestsTo("/v1/mgmt/user/create/batch").length;

    clock.advance(20_000);
    expect(await h.provider.apply([createOp("later", { loginId: "later" })])).toEqual([
      {
        person: "later",
        result: "retry",
        reason: expect.stringContaining("paused for 40 s"),
        retryAfterSeconds: 40,
      },
    ]);
    expect(h.requestsTo("/v1/mgmt/user/create/batch")).toHaveLength(sent);
    // Other paths are not paused.
    expect(
      (
        await h.provider.apply([
          { op: "status", person: "p0", current: { user: { loginId: "u0" } }, active: false },
        ])
      )[0],
    ).toMatchObject({ result: "applied" });

    clock.advance(40_000);
    expect(await h.provider.apply([createOp("later", { loginId: "later" })])).toEqual([
      { person: "later", result: "applied", userId: expect.any(String) },
    ]);
  });

  it("waits out a short pause inside the invocation instead of handing the users back", async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const h = await startHarness({
      clock,
      fetch: timedFetch(clock, times),
      sim: { rateLimits: false },
      config: { maxUsersPerBatch: 1 },
    });
    harness = h;
    h.sim.setFaults({ rateLimitRate: 1, retryAfterSeconds: 2 });
    const refused = await h.provider.apply(creates(1));
    expect(refused).toEqual([expect.objectContaining({ result: "retry", retryAfterSeconds: 2 })]);
    h.sim.setFaults({});

    const pausedAt = clock.now();
    expect(await h.provider.apply([createOp("next", { loginId: "next" })])).toEqual([
      { person: "next", result: "applied", userId: expect.any(String) },
    ]);
    expect(times).toHaveLength(2);
    expect((times[1] as number) - pausedAt).toBeGreaterThanOrEqual(2_000);
  });
});
