import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { letterChange, type RedrivenLetter } from "../ops/operator-deps.ts";
import { chunk } from "../sync/plan.ts";
import { maxBatchEntries, sendMessages } from "./sqs-batch.ts";

export interface RedriveOptions {
  client: SQSClient;
  deadLetterQueueUrl: string;
  /** The change queue the letters go back to. */
  queueUrl: string;
  /** Lists the letters and their reasons, moving nothing (they are visible again at the end). */
  dryRun?: boolean;
  /** At most this many letters (default: all). */
  max?: number;
  /** How long a received letter stays hidden from other readers while it is moved or listed. */
  visibilitySeconds?: number;
  /** Long-poll wait per receive, so an empty answer means an empty queue (not a sampled subset). */
  waitSeconds?: number;
}

/**
 * Moves dead letters back to the change queue after a fix: receive from the DLQ, send each body unchanged
 * (the reason attributes stay behind), delete from the DLQ only what the change queue accepted. At least
 * once: a letter moved but not deleted comes back to the DLQ's readers and may be moved twice, which the
 * order-free merge makes harmless.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<RedrivenLetter[]> {
  const { client, deadLetterQueueUrl, dryRun = false, max = Number.POSITIVE_INFINITY } = options;
  const letters: RedrivenLetter[] = [];
  const listed: Message[] = [];
  const seen = new Set<string>();
  while (letters.length < max) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(maxBatchEntries, max - letters.length),
        MessageAttributeNames: ["All"],
        VisibilityTimeout: options.visibilitySeconds ?? 60,
        WaitTimeSeconds: options.waitSeconds ?? 1,
      }),
    );
    const fresh = Messages.filter((message) => !seen.has(message.MessageId ?? ""));
    if (fresh.length === 0) break;
    for (const message of fresh) seen.add(message.MessageId ?? "");
    if (dryRun) listed.push(...fresh);
    const moved = dryRun ? new Set<Message>() : await move(options, fresh);
    letters.push(...fresh.map((message) => describe(message, moved.has(message))));
  }
  if (listed.length > 0) await makeVisible(client, deadLetterQueueUrl, listed);
  return letters;
}

/** Sends the bodies unchanged, then deletes from the DLQ the letters the change queue accepted. */
async function move(options: RedriveOptions, messages: Message[]): Promise<Set<Message>> {
  const failures = await sendMessages(
    options.client,
    options.queueUrl,
    messages.map((message) => ({ body: message.Body ?? "" })),
  );
  const failed = new Set(failures.map(({ index }) => index));
  const sent = messages.filter((_, index) => !failed.has(index));
  if (sent.length === 0) return new Set();
  const { Failed = [] } = await options.client.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.deadLetterQueueUrl,
      Entries: sent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
    }),
  );
  const undeleted = new Set(Failed.map((entry) => Number(entry.Id)));
  return new Set(sent.filter((_, index) => !undeleted.has(index)));
}

async function makeVisible(client: SQSClient, queueUrl: string, messages: readonly Message[]) {
  for (const part of chunk(messages, maxBatchEntries))
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: part.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
}

function describe(message: Message, moved: boolean): RedrivenLetter {
  const provider = message.MessageAttributes?.provider?.StringValue;
  return {
    messageId: message.MessageId ?? "",
    reason: message.MessageAttributes?.reason?.StringValue ?? "unknown (moved here after maxReceiveCount)",
    ...(provider ? { provider } : {}),
    ...letterChange(message.Body ?? ""),
    moved,
  };
}
