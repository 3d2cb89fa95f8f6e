import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { createSyncHandler } from "../../functions/sync/create-handler.ts";
import { lambdaContext } from "../../local/api-gateway-server.ts";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import type { PlannedOperation } from "../../shared/sync/plan.ts";
import type { OperationOutcome, Provider } from "../../shared/sync/ports.ts";
import { change } from "./fixtures.ts";

/** Applies everyone except `refused`, whom it rejects. */
function provider(name: string, refused: string): Provider {
  return {
    name,
    leaverPolicy: "deactivate",
    async apply(operations: readonly PlannedOperation[]): Promise<OperationOutcome[]> {
      return operations.map(({ person }) =>
        person === refused
          ? { person, result: "rejected", reason: "invalid" }
          : { person, result: "applied", userId: `u-${person}` },
      );
    },
  };
}

const record = (messageId: string, body: unknown) =>
  ({ messageId, body: JSON.stringify(body), receiptHandle: messageId, attributes: {} }) as SQSRecord;

/** The sync handler with in-memory adapters; `published` collects every EMF record its metrics publish. */
function setup() {
  const metrics = new Metrics({ namespace: "idp-sync", serviceName: "idp-sync-sync" });
  const published: ReturnType<Metrics["serializeMetrics"]>[] = [];
  const publish = metrics.publishStoredMetrics.bind(metrics);
  // Also catches the publishing Powertools does by itself (on a metric's 100th value).
  vi.spyOn(metrics, "publishStoredMetrics").mockImplementation(() => {
    if (metrics.hasStoredMetrics()) published.push(metrics.serializeMetrics());
    return publish();
  });
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 1000 });
  const handler = createSyncHandler(
    {
      store: new MemoryStateStore(),
      providers: [provider("descope", "p2"), provider("zitadel", "none")],
      deadLetters: queue.deadLetterSink,
      visibility: queue.visibility,
      backoff: { baseSeconds: 1, maxSeconds: 10 },
      log: { debug() {}, info() {}, warn() {}, error() {} },
    },
    new Logger({ logLevel: "SILENT" }),
    { metrics },
  );
  return { handler, published };
}

describe("the sync handler's metrics", () => {
  it("publishes one EMF record per provider (outcomes and latencies) and the batch counts once", async () => {
    const { handler, published } = setup();
    // Changes that happened 5 and 7 minutes ago.
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 0, 10), toFake: ["Date"] });
    const event: SQSEvent = {
      Records: [
        record("m1", change("p1", 300, { loginId: "ann" })),
        record("m2", change("p2", 180, { loginId: "bo" })),
      ],
    };
    await handler(event, lambdaContext("sync"));
    vi.useRealTimers();

    const values = (emf: (typeof published)[number]) => {
      const { _aws, ...rest } = emf;
      return rest;
    };
    const dimensions = (emf: (typeof published)[number]) => emf._aws.CloudWatchMetrics[0]?.Dimensions;
    expect(published.map(values)).toEqual([
      { service: "idp-sync-sync", ChangesReceived: 2 },
      {
        service: "idp-sync-sync",
        provider: "descope",
        Operations_applied: 1,
        Operations_retry: 0,
        Operations_rejected: 1,
        ChangeLatencyMs: 300_000,
      },
      {
        service: "idp-sync-sync",
        provider: "zitadel",
        Operations_applied: 2,
        Operations_retry: 0,
        Operations_rejected: 0,
        ChangeLatencyMs: [300_000, 420_000],
      },
      { service: "idp-sync-sync", ChangesRetried: 0, ChangesDeadLettered: 1 },
    ]);
    expect(published.map(dimensions)).toEqual([
      [["service"]],
      [["service", "provider"]],
      [["service", "provider"]],
      [["service"]],
    ]);
  });

  it("keeps the provider dimension on every record when a provider applies more than 100 operations", async () => {
    const { handler, published } = setup();
    const people = Array.from({ length: 250 }, (_, n) => `q${n}`);
    await handler(
      { Records: people.map((person) => record(person, change(person, 0, { loginId: person }))) },
      lambdaContext("sync"),
    );
    const latencyRecords = published.filter((emf) => "ChangeLatencyMs" in emf);
    for (const emf of latencyRecords)
      expect(emf).toMatchObject({ service: "idp-sync-sync", provider: expect.any(String) });
    const values = (provider: string) =>
      latencyRecords
        .filter((emf) => emf.provider === provider)
        .flatMap((emf) => [emf.ChangeLatencyMs].flat());
    expect(values("descope")).toHaveLength(250);
    expect(values("zitadel")).toHaveLength(250);
  });
});
