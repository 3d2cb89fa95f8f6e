import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { lambdaContext } from "./api-gateway-server.ts";
import { runInvocation } from "./invocation-context.ts";
import type { MemoryQueue, QueueMessage } from "./memory-queue.ts";

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  batchSize: number;
  /** Waits this long for a batch to fill, as the event source's MaximumBatchingWindowInSeconds. */
  batchingWindowMs: number;
  /** Concurrent invocations, as the event source's MaximumConcurrency. */
  maxConcurrency: number;
  idlePollMs?: number;
  /**
   * The function timeout: the handler's context reports the time left until it, and an invocation still
   * running then is killed (see `kill`), as Lambda ends it. Without it, 60 s are reported and nothing is ended.
   */
  timeoutMs?: number;
}

/**
 * The Lambda event source mapping of the local runtime: polls the in-memory queue, invokes the sync handler
 * with SQS events, deletes what succeeded and lets the rest become visible again.
 */
export class SqsPoller {
  readonly #queue: MemoryQueue;
  readonly #handler: SqsHandler;
  #options: PollerOptions;
  #running = false;
  #inFlight = 0;
  #workers: Promise<void>[] = [];
  /** Invocations running now, each with the way to abandon it. */
  readonly #invocations = new Set<{ abandon: () => void }>();
  /** Handlers of killed invocations that have not returned yet. */
  readonly #zombies = new Set<Promise<unknown>>();
  invocations = 0;
  failedInvocations = 0;
  killedInvocations = 0;
  /** Invocations ended at the function timeout. */
  timedOutInvocations = 0;

  constructor(queue: MemoryQueue, handler: SqsHandler, options: PollerOptions) {
    this.#queue = queue;
    this.#handler = handler;
    this.#options = options;
  }

  /** Changes options while running, e.g. a function timeout (tests). */
  configure(options: Partial<PollerOptions>): void {
    this.#options = { ...this.#options, ...options };
  }

  start(): void {
    this.#running = true;
    this.#workers = Array.from({ length: this.#options.maxConcurrency }, () => this.#work());
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
    await Promise.all(this.#zombies);
  }

  /**
   * Kills every invocation in flight, as when a Lambda sandbox dies mid-batch: nothing of its batch is
   * deleted and its answer (batch item failures) is never read, so its messages come back once their
   * visibility timeout passes. Its worker takes the next batch at once. The handler itself cannot be
   * stopped in-process: it runs on unobserved (see `zombies`), and its I/O after the kill is refused
   * wherever an adapter checks `inKilledInvocation()` (invocation-context.ts) (the in-memory queue does; a test can wrap the
   * state store and fetch the same way), while a request already sent still reaches the provider.
   * Answers the number of invocations killed.
   */
  kill(): number {
    const killed = [...this.#invocations];
    for (const invocation of killed) invocation.abandon();
    this.killedInvocations += killed.length;
    return killed.length;
  }

  /** Handlers of killed invocations still running. */
  get zombies(): number {
    return this.#zombies.size;
  }

  /** Nothing queued and nothing being processed (by a live or a killed invocation). */
  get idle(): boolean {
    return this.#inFlight === 0 && this.#zombies.size === 0 && this.#queue.depth === 0;
  }

  async #work(): Promise<void> {
    while (this.#running) {
      if (this.#queue.visibleCount() === 0) {
        await sleep(this.#options.idlePollMs ?? 20);
        continue;
      }
      if (this.#queue.visibleCount() < this.#options.batchSize) await sleep(this.#options.batchingWindowMs);
      const batch = this.#queue.receive(this.#options.batchSize);
      if (batch.length === 0) continue;
      this.#inFlight += 1;
      try {
        await this.#invoke(batch);
      } finally {
        this.#inFlight -= 1;
      }
    }
  }

  async #invoke(batch: QueueMessage[]): Promise<void> {
    this.invocations += 1;
    const context = { killed: false };
    const { timeoutMs } = this.#options;
    const lambda = lambdaContext("sync");
    if (timeoutMs !== undefined) {
      const deadline = Date.now() + timeoutMs;
      lambda.getRemainingTimeInMillis = () => Math.max(0, deadline - Date.now());
    }
    const handling = runInvocation(context, () => this.#handler({ Records: batch.map(toRecord) }, lambda));
    let abandon = () => {};
    const killed = new Promise<"killed">((resolve) => {
      abandon = () => {
        context.killed = true;
        resolve("killed");
      };
    });
    const invocation = { abandon };
    this.#invocations.add(invocation);
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            this.timedOutInvocations += 1;
            abandon();
          }, timeoutMs);
    let failed: Set<string>;
    try {
      const response = await Promise.race([handling, killed]);
      if (response === "killed") {
        const zombie = handling.catch(() => undefined).finally(() => this.#zombies.delete(zombie));
        this.#zombies.add(zombie);
        return;
      }
      failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch {
      // A failed invocation leaves the whole batch on the queue, exactly as Lambda does.
      this.failedInvocations += 1;
      failed = new Set(batch.map((message) => message.messageId));
    } finally {
      clearTimeout(timer);
      this.#invocations.delete(invocation);
    }
    this.#queue.delete(batch.filter((message) => !failed.has(message.messageId)).map((m) => m.messageId));
  }
}

/** A queue message as Lambda's SQS trigger hands it to the function. */
export function toRecord(message: QueueMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:local:000000000000:idp-sync-changes",
    awsRegion: "local",
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
