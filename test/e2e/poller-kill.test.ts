import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { inKilledInvocation } from "../../local/invocation-context.ts";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { SqsPoller } from "../../local/sqs-poller.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(5);
  }
}

describe("local poller: killing the sync worker mid-batch", () => {
  it("leaves the killed batch on the queue, refuses its later I/O, and redelivers it after the visibility timeout", async () => {
    const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 150 });
    const seen: string[][] = [];
    const afterKill: boolean[] = [];
    let release = () => {};
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(event.Records.map((record) => record.body));
      if (seen.length === 1) {
        await first;
        afterKill.push(inKilledInvocation());
        // A killed invocation's visibility change is refused (and would be stale anyway).
        await expect(
          queue.visibility.delay([
            { receiptHandle: event.Records[0]?.receiptHandle ?? "", delaySeconds: 60 },
          ]),
        ).rejects.toThrow(/killed/);
      }
      return { batchItemFailures: [] };
    };
    const poller = new SqsPoller(queue, handler, {
      batchSize: 10,
      batchingWindowMs: 0,
      maxConcurrency: 2,
      idlePollMs: 5,
    });
    queue.sendRaw("a");
    queue.sendRaw("b");
    poller.start();
    await until(() => seen.length === 1);
    expect(poller.kill()).toBe(1);
    await until(() => poller.zombies === 1);
    expect(poller.idle).toBe(false);
    release();
    await until(() => poller.idle);
    await poller.stop();
    expect(afterKill).toEqual([true]);
    // Delivered twice: killed, then after its visibility timeout, and deleted only then.
    expect(seen).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(queue.redeliveries).toBe(2);
    expect(poller.killedInvocations).toBe(1);
  });

  it("ignores a visibility change through the receipt handle of an earlier receive", () => {
    let now = 0;
    const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 100 }, () => now);
    queue.sendRaw("a");
    const [firstReceive] = queue.receive(1);
    now = 100;
    const [secondReceive] = queue.receive(1);
    expect(secondReceive?.receiptHandle).not.toBe(firstReceive?.receiptHandle);
    void queue.visibility.delay([{ receiptHandle: firstReceive?.receiptHandle as string, delaySeconds: 0 }]);
    expect(queue.visibleCount()).toBe(0);
    void queue.visibility.delay([{ receiptHandle: secondReceive?.receiptHandle as string, delaySeconds: 0 }]);
    expect(queue.visibleCount()).toBe(1);
  });

  it("ends an invocation at the function timeout and reports the time left to the handler", async () => {
    const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 10_000 });
    const remaining: number[] = [];
    const poller = new SqsPoller(
      queue,
      async (_event, context) => {
        remaining.push(context.getRemainingTimeInMillis());
        await sleep(200);
        return { batchItemFailures: [] };
      },
      { batchSize: 10, batchingWindowMs: 0, maxConcurrency: 2, idlePollMs: 5, timeoutMs: 50 },
    );
    queue.sendRaw("slow");
    poller.start();
    await until(() => poller.timedOutInvocations === 1);
    await poller.stop();
    expect(remaining[0]).toBeGreaterThan(0);
    expect(remaining[0]).toBeLessThanOrEqual(50);
    expect(queue.depth).toBe(1);
  });
});
