import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { lambdaContext } from "./api-gateway-server.ts";
import type { MemoryQueue, QueueMessage } from "./memory-queue.ts";

type SqsHandler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  batchSize: number;
  /** Waits this long for a batch to fill, as the event source's MaximumBatchingWindowInSeconds. */
  batchingWindowMs: number;
  /** Concurrent invocations, as the event source's MaximumConcurrency. */
  maxConcurrency: number;
  idlePollMs?: number;
}

/**
 * The Lambda event source mapping of the local runtime: polls the in-memory queue, invokes the sync handler
 * with SQS events, deletes what succeeded and lets the rest become visible again.
 */
export class SqsPoller {
  readonly #queue: MemoryQueue;
  readonly #handler: SqsHandler;
  readonly #options: PollerOptions;
  #running = false;
  #inFlight = 0;
  #workers: Promise<void>[] = [];
  invocations = 0;
  failedInvocations = 0;

  constructor(queue: MemoryQueue, handler: SqsHandler, options: PollerOptions) {
    this.#queue = queue;
    this.#handler = handler;
    this.#options = options;
  }

  start(): void {
    this.#running = true;
    this.#workers = Array.from({ length: this.#options.maxConcurrency }, () => this.#work());
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
  }

  /** Nothing queued and nothing being processed. */
  get idle(): boolean {
    return this.#inFlight === 0 && this.#queue.depth === 0;
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
    let failed: Set<string>;
    try {
      const response = await this.#handler({ Records: batch.map(toRecord) }, lambdaContext("sync"));
      failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch {
      // A failed invocation leaves the whole batch on the queue, exactly as Lambda does.
      this.failedInvocations += 1;
      failed = new Set(batch.map((message) => message.messageId));
    }
    this.#queue.delete(batch.filter((message) => !failed.has(message.messageId)).map((m) => m.messageId));
  }
}

function toRecord(message: QueueMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.messageId,
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
