import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { inParallel, scim, scimUser, settled, startTestStack } from "./stack.ts";

/** Collects everything written to stdout, stderr or the console until `stop`, and keeps it from the test output. */
function captureOutput() {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const consoles = methods.map((method) => console[method]);
  for (const stream of streams)
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    }) as typeof stream.write;
  for (const method of methods)
    console[method] = (...args: unknown[]) => chunks.push(args.map(String).join(" "));
  return {
    lines: () => chunks.flatMap((chunk) => chunk.split("\n")).filter((line) => line.length > 0),
    stop() {
      streams.forEach((stream, index) => {
        stream.write = writes[index] as typeof stream.write;
      });
      methods.forEach((method, index) => {
        console[method] = consoles[index] as (typeof console)[typeof method];
      });
    },
  };
}

const people = ["E-1", "E-2"].map((id, n) => ({
  id,
  email: `person${n}@example.com`,
  givenName: `Given${n}`,
  familyName: `Family${n}`,
}));

describe("the local runtime's console (npm start, log level INFO)", () => {
  let stack: LocalStack;
  let output: string[] = [];
  const summaries = () => output.filter((line) => line.startsWith("sync: "));
  beforeAll(async () => {
    // As under `npm start`: vitest's configuration switches Powertools metrics off, the console has no such switch.
    const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const capture = captureOutput();
    try {
      stack = await startTestStack(undefined, {}, { logLevel: "INFO" });
      // ZITADEL is down for the first batch: its operations are retried, Descope's apply.
      stack.zitadel?.setFaults({ outage: true });
      await stack.runtime.poller.stop();
      await inParallel(people, 2, (person) => scim(stack, "POST", "/Users", scimUser(person)));
      stack.runtime.poller.start();
      while (!capture.lines().some((line) => line.startsWith("sync: ")))
        await new Promise((resolve) => setTimeout(resolve, 10));
      stack.zitadel?.setFaults({});
      await settled(stack);
    } finally {
      capture.stop();
      output = capture.lines();
      process.env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
    }
  });
  afterAll(() => stack?.stop());

  it("prints one summary line per sync batch", () => {
    expect(summaries()[0]).toBe(
      "sync: 2 changes · descope 2 applied · zitadel 0 applied, 2 retries · 2 back on the queue · 0 dead-lettered",
    );
    const zitadelApplied = summaries().map((line) => Number(/zitadel (\d+) applied/.exec(line)?.[1]));
    expect(zitadelApplied.reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(stack.zitadel?.users()).toHaveLength(2);
  });

  it("prints no metric JSON (EMF) and no Powertools metrics warnings", () => {
    expect(output.filter((line) => line.includes('"_aws"') || /metrics/i.test(line))).toEqual([]);
  });
});
