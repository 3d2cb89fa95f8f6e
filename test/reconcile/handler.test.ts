import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createReconcileHandler } from "../../functions/reconcile/create-handler.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { type ConfigInput, parseConfig } from "../../shared/config/schema.ts";
import { capturingQueue, hrChange, listed, pagedReader, testComparison } from "./fixtures.ts";

const ann = { loginId: "ann@example.com", email: "ann@example.com", givenName: "Ann", familyName: "Lee" };
const config = parseConfig({
  scim: [],
  providers: [{ type: "descope", name: "idp", secretName: "descope" }],
  reconcile: { sources: [{ source: "hr", mode: "repair" }] },
} satisfies ConfigInput);
const context = {
  functionName: "reconcile",
  invokedFunctionArn: "arn:aws:lambda:eu-central-1:123456789012:function:reconcile",
  awsRequestId: "r1",
  getRemainingTimeInMillis: () => 900_000,
} as unknown as Context;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function handlerWith(resumed: string[]) {
  const queue = capturingQueue();
  const handler = createReconcileHandler(
    config,
    {
      sources: [pagedReader("hr", [[hrChange("E1", 0, ann)]])],
      directories: [
        {
          provider: "idp",
          ...testComparison(),
          readPage: async () => ({ users: [listed("U9", { loginId: "x@example.com" })] }),
        },
      ],
      store: new MemoryStateStore(),
      queue,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      snapshots: { load: async () => undefined, save: async () => {}, clear: async () => {} },
      resumeVia: (arn) => ({ resumeAt: async () => void resumed.push(arn) }),
    },
    new Logger({ logLevel: "SILENT" }),
    new Metrics({ namespace: "idp-sync", serviceName: "idp-sync-reconcile" }),
  );
  return { handler, queue };
}

describe("the reconcile Lambda handler", () => {
  it("runs the scheduled source, applies in repair mode and publishes the metrics per provider", async () => {
    const printed: string[] = [];
    // Dev mode makes Powertools print metrics through the global console (kept enabled), where a spy sees them.
    vi.stubEnv("POWERTOOLS_DEV", "true");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void printed.push(String(line)));
    const resumed: string[] = [];
    const { handler, queue } = handlerWith(resumed);
    await handler({ source: "hr" }, context);
    expect(queue.sent.map((change) => change.person)).toEqual(["E1"]);
    expect(resumed).toEqual([]);
    const metrics = printed.map((line) => JSON.parse(line)).filter((line) => line._aws);
    expect(
      metrics.map(({ provider, ReconcileDrift, ReconcileRepaired, ReconcileOrphans }) => ({
        provider,
        ReconcileDrift,
        ReconcileRepaired,
        ReconcileOrphans,
      })),
    ).toEqual([
      { provider: "idp", ReconcileDrift: 1, ReconcileRepaired: undefined, ReconcileOrphans: undefined },
      { provider: "idp", ReconcileDrift: undefined, ReconcileRepaired: 1, ReconcileOrphans: undefined },
      { provider: "idp", ReconcileDrift: undefined, ReconcileRepaired: undefined, ReconcileOrphans: 1 },
    ]);
  });

  it("refuses an event for a source without a schedule", async () => {
    const { handler } = handlerWith([]);
    await expect(handler({ source: "other" }, context)).rejects.toThrow(
      'no reconcile schedule is configured for source "other"',
    );
  });
});
