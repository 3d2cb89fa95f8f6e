import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../shared/sync/backoff.ts";

const policy = { baseSeconds: 2, maxSeconds: 900 };

describe("retryDelaySeconds", () => {
  it("grows exponentially with the receive count, jittered below the ceiling", () => {
    expect(retryDelaySeconds(policy, 1, undefined, () => 0.999)).toBeCloseTo(2 * 0.999);
    expect(retryDelaySeconds(policy, 4, undefined, () => 0.5)).toBe(8);
    expect(retryDelaySeconds(policy, 30, undefined, () => 1)).toBe(900);
  });

  it("never undercuts the provider's Retry-After, nor exceeds the maximum", () => {
    expect(retryDelaySeconds(policy, 1, 60, () => 0)).toBe(60);
    expect(retryDelaySeconds(policy, 1, 5000, () => 0)).toBe(900);
  });
});
