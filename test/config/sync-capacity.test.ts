import { describe, expect, it } from "vitest";
import { type ConfigInput, parseConfig } from "../../shared/config/schema.ts";
import {
  derivedSyncConcurrency,
  syncConcurrency,
  syncTimeoutSeconds,
  usableSecondsPerInvocation,
} from "../../shared/config/sync-capacity.ts";

const descope = { type: "descope", secretName: "d" } as const;
const zitadel = { type: "zitadel", secretName: "z", baseUrl: "https://acme.zitadel.cloud" } as const;
const config = (input: Partial<ConfigInput>) =>
  parseConfig({ scim: { tokenSecretName: "t" }, providers: [descope], ...input });

describe("sync capacity", () => {
  it("gives sync a sixth of the visibility timeout, less the batching window, at most 900 s", () => {
    expect(syncTimeoutSeconds(config({}).queue)).toBe(29); // (180 − 2) ÷ 6
    expect(syncTimeoutSeconds(config({ queue: { visibilityTimeoutSeconds: 43_200 } }).queue)).toBe(900);
  });

  it("counts as usable the time before the handler's last tenth (at least 2 s)", () => {
    expect(usableSecondsPerInvocation(29)).toBeCloseTo(26.1);
    expect(usableSecondsPerInvocation(15)).toBe(13);
  });

  it("derives from Descope's create limit: 100/min × 26.1 s ÷ 5 calls of 100 users = 8", () => {
    expect(derivedSyncConcurrency(config({}))).toBe(8);
  });

  it("follows the limits and batch sizes: higher limits or bigger calls allow more invocations", () => {
    const generous = { ...descope, rateLimits: { createPerMinute: 1000 }, maxUsersPerBatch: 500 };
    // min(1000/60 × 26.1 ÷ 1, 200/60 × 26.1 ÷ 1) = min(435, 87) = 87: the other-paths limit binds.
    expect(derivedSyncConcurrency(config({ providers: [generous] }))).toBe(87);
    expect(derivedSyncConcurrency(config({ queue: { batchSize: 100 } }))).toBe(43); // 1.67 × 26.1 ÷ 1
  });

  it("takes the strictest provider, and never less than SQS's minimum of 2", () => {
    // ZITADEL: 20/s × 26.1 s ÷ 500 requests = 1 → 2.
    expect(derivedSyncConcurrency(config({ providers: [descope, zitadel] }))).toBe(2);
    const fastZitadel = { ...zitadel, requestsPerSecond: 200 };
    expect(derivedSyncConcurrency(config({ providers: [fastZitadel] }))).toBe(10); // 200 × 26.1 ÷ 500
  });

  it("never more than SQS's maximum of 1000", () => {
    const huge = { ...zitadel, requestsPerSecond: 1000 };
    expect(derivedSyncConcurrency(config({ providers: [huge], queue: { batchSize: 1 } }))).toBe(1000);
  });

  it("uses queue.maxConcurrency when it is set", () => {
    expect(syncConcurrency(config({ queue: { maxConcurrency: 3 } }))).toBe(3);
    expect(syncConcurrency(config({}))).toBe(8);
  });
});
