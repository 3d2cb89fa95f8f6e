import { describe, expect, it } from "vitest";
import { batchSummary } from "../../local/batch-summary.ts";

describe("batchSummary", () => {
  it("names the changes, each provider's applied operations and the dead letters", () => {
    const line = batchSummary(12, {
      retry: [],
      deadLettered: 0,
      outcomes: {
        descope: { applied: 12, retry: 0, rejected: 0 },
        zitadel: { applied: 12, retry: 0, rejected: 0 },
      },
    });

    expect(line).toBe("sync: 12 changes · descope 12 applied · zitadel 12 applied · 0 dead-lettered");
  });

  it("adds retries, rejections, held leavers and the messages handed back only when there are any", () => {
    const line = batchSummary(1, {
      retry: [{ messageId: "m1" }, { messageId: "m2" }],
      deadLettered: 1,
      outcomes: {
        descope: { applied: 0, retry: 0, rejected: 1 },
        zitadel: { applied: 11, retry: 1, rejected: 0 },
      },
      held: { descope: 3 },
    });

    expect(line).toBe(
      "sync: 1 change · descope 0 applied, 1 rejected, 3 held · zitadel 11 applied, 1 retry · 2 back on the queue · 1 dead-lettered",
    );
  });
});
