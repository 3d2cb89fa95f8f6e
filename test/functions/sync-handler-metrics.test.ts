import { Metrics } from "@aws-lambda-powertools/metrics";
import type { SQSEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSyncHandler } from "../../functions/sync/create-handler.ts";
import { lambdaContext } from "../../local/api-gateway-server.ts";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { createLogger } from "../../shared/logging/logger.ts";
import { change } from "../sync/fixtures.ts";

/** The AWS function's metrics: EMF lines on stdout, which this test (alone) switches on and reads. */
let emf: Record<string, unknown>[];
let warnings: string[];
const realWrite = process.stdout.write;
beforeEach(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = "false";
  emf = [];
  warnings = [];
  process.stdout.write = ((chunk: string) => {
    for (const line of String(chunk).split("\n").filter(Boolean)) emf.push(JSON.parse(line));
    return true;
  }) as typeof process.stdout.write;
});
afterEach(() => {
  process.stdout.write = realWrite;
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

function handlerWith(store: MemoryStateStore) {
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 1000 });
  const logger = createLogger("idp-sync-sync", "SILENT");
  const metricsLog = { ...console, warn: (...args: unknown[]) => warnings.push(args.join(" ")) };
  const metrics = new Metrics({ namespace: "idp-sync", serviceName: "idp-sync-sync", logger: metricsLog });
  const deps = {
    store,
    providers: [],
    deadLetters: queue.deadLetterSink,
    visibility: queue.visibility,
    backoff: { baseSeconds: 1, maxSeconds: 10 },
    log: logger,
  };
  return createSyncHandler(deps, logger, { metrics });
}

const event = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, n) => ({
    messageId: `m${n}`,
    receiptHandle: `r${n}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-central-1:000000000000:idp-sync-changes",
    awsRegion: "eu-central-1",
  })),
});

const metricValues = () =>
  Object.fromEntries(
    emf.flatMap((line) =>
      (
        (line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]
          ?.Metrics ?? []
      ).map(({ Name }) => [Name, line[Name]]),
    ),
  );

describe("sync handler metrics (the AWS function)", () => {
  it("publishes what a batch received, retried and dead-lettered as EMF", async () => {
    const handler = handlerWith(new MemoryStateStore());

    await handler(
      event(JSON.stringify(change("p1", 1, { givenName: "Ada" })), "not json"),
      lambdaContext("sync"),
    );

    expect(metricValues()).toEqual({ ChangesReceived: 2, ChangesRetried: 0, ChangesDeadLettered: 1 });
    expect(emf[0]).toMatchObject({ service: "idp-sync-sync" });
    expect(warnings).toEqual([]);
  });

  it("still publishes what a failed invocation received, without an empty-metrics warning", async () => {
    const store = new MemoryStateStore();
    store.get = () => Promise.reject(new Error("DynamoDB unavailable"));
    const handler = handlerWith(store);

    await expect(
      handler(event(JSON.stringify(change("p1", 1, { givenName: "Ada" }))), lambdaContext("sync")),
    ).rejects.toThrow("DynamoDB unavailable");

    expect(metricValues()).toEqual({ ChangesReceived: 1 });
    expect(warnings).toEqual([]);
  });
});
