import { ChangeMessageVisibilityBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { chunk } from "../sync/plan.ts";
import type { MessageVisibility } from "../sync/ports.ts";
import { maxBatchEntries } from "./sqs-batch.ts";

/** SQS caps a message's visibility timeout at 12 hours. */
const maxVisibilitySeconds = 43_200;

/** Delays retried messages in AWS: ChangeMessageVisibilityBatch on the change queue, 10 at a time. */
export class SqsMessageVisibility implements MessageVisibility {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(options: { client: SQSClient; queueUrl: string }) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
  }

  async delay(messages: readonly { receiptHandle: string; delaySeconds: number }[]): Promise<void> {
    const results = await Promise.all(
      chunk(messages, maxBatchEntries).map((batch) =>
        this.#client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: batch.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.receiptHandle,
              VisibilityTimeout: Math.min(
                maxVisibilitySeconds,
                Math.max(0, Math.round(message.delaySeconds)),
              ),
            })),
          }),
        ),
      ),
    );
    // A message whose delay failed still comes back, after the queue's visibility timeout: worth a warning.
    const failed = results.flatMap((result) => result.Failed ?? []);
    if (failed.length > 0) {
      const codes = [...new Set(failed.map((entry) => entry.Code))].join(", ");
      throw new Error(`${failed.length} of ${messages.length} messages were not delayed (${codes})`);
    }
  }
}
