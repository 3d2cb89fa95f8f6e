import { describe, expect, it } from "vitest";
import { RequestBudgets } from "../../../shared/providers/descope/request-budgets.ts";
import { FakeClock } from "../../simulators/descope/fake-clock.ts";

const createPath = "/v1/mgmt/user/create/batch";

describe("Descope request budgets", () => {
  it("lets no request start after the deadline: those callers hear 'deadline' instead", async () => {
    const clock = new FakeClock();
    const budgets = new RequestBudgets({ createPerMinute: 100, otherPerMinute: 500 }, 1, clock);
    const started = clock.now();
    const deadline = started + 10_000;
    const answers = await Promise.all(
      Array.from({ length: 40 }, async () => ({
        answer: await budgets.acquire(createPath, deadline),
        at: clock.now(),
      })),
    );
    const admitted = answers.filter(({ answer }) => answer === undefined);
    // A burst of 10, then one every 2/3 s (90 more a minute): 14 more start within the 10 s, the 15th a
    // fraction of a millisecond after it.
    expect(admitted).toHaveLength(24);
    expect(admitted.every(({ at }) => at <= deadline)).toBe(true);
    expect(answers.filter(({ answer }) => answer === "deadline")).toHaveLength(16);
  });

  it("hands back a pause that would outlast the deadline rather than sleeping through it", async () => {
    const clock = new FakeClock();
    const budgets = new RequestBudgets({ createPerMinute: 100, otherPerMinute: 500 }, 1, clock);
    budgets.pause(createPath, 3);
    expect(await budgets.acquire(createPath, clock.now() + 1_000)).toBe(3);
    expect(await budgets.acquire(createPath)).toBeUndefined();
  });
});
