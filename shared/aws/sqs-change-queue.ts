import type { SQSClient } from "@aws-sdk/client-sqs";
import type { UserChange } from "../model/change.ts";
import type { ChangeQueue } from "../sync/ports.ts";
import { sendMessages } from "./sqs-batch.ts";

/** The change queue in AWS: one SQS message per change, its body the change as JSON. */
export class SqsChangeQueue implements ChangeQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(options: { client: SQSClient; queueUrl: string }) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
  }

  async send(changes: readonly UserChange[]): Promise<string[]> {
    const messages = changes.map((change) => ({ body: JSON.stringify(change) }));
    const failures = await sendMessages(this.#client, this.#queueUrl, messages);
    return failures.map(({ index }) => (changes[index] as UserChange).id);
  }
}
