import { setTimeout as sleep } from "node:timers/promises";
import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/** SQS takes at most 10 entries per batch call. */
export const maxBatchEntries = 10;
/** The classic batch payload limit; SQS now allows 1 MiB, but staying under 256 KiB works with either. */
const maxBatchBytes = 256 * 1024;
/** A short pause before resending entries SQS failed on its side, which are transient. */
const serverFaultPauseMs = 100;

export interface OutgoingMessage {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
}

/** An entry SQS did not accept, by its position in the input. */
export interface SendFailure {
  index: number;
  code: string;
}

/**
 * Sends messages with SendMessageBatch, in batches SQS accepts (10 entries, bounded payload), batches in
 * parallel. Entries SQS failed on its side (`SenderFault: false`) are sent once more. Resolves with the
 * entries that still failed; rejects when a whole call fails (after the SDK's own retries).
 */
export async function sendMessages(
  client: SQSClient,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
): Promise<SendFailure[]> {
  const failures = await Promise.all(
    batchesOf(messages).map(async (batch) => {
      const first = await sendBatch(client, queueUrl, messages, batch);
      const transient = first.filter((failure) => !failure.senderFault).map((failure) => failure.index);
      if (transient.length === 0) return first;
      await sleep(serverFaultPauseMs);
      const second = await sendBatch(client, queueUrl, messages, transient);
      return [...first.filter((failure) => failure.senderFault), ...second];
    }),
  );
  return failures.flat().map(({ index, code }) => ({ index, code }));
}

/** Groups message positions into batches by entry count and payload size. */
function batchesOf(messages: readonly OutgoingMessage[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  messages.forEach((message, index) => {
    const size = messageBytes(message);
    if (current.length === maxBatchEntries || (current.length > 0 && bytes + size > maxBatchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

function messageBytes(message: OutgoingMessage): number {
  let size = Buffer.byteLength(message.body);
  for (const [name, value] of Object.entries(message.attributes ?? {}))
    size +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? "") +
      Buffer.byteLength(value.StringValue ?? "");
  return size;
}

/** Entry ids are the message positions: always SQS-legal, whatever the payload's own ids look like. */
async function sendBatch(
  client: SQSClient,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  batch: readonly number[],
): Promise<(SendFailure & { senderFault: boolean })[]> {
  const entries = batch.map((index): SendMessageBatchRequestEntry => {
    const message = messages[index] as OutgoingMessage;
    return {
      Id: String(index),
      MessageBody: message.body,
      ...(message.attributes ? { MessageAttributes: message.attributes } : {}),
    };
  });
  const output = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  return (output.Failed ?? []).map((failed) => ({
    index: Number(failed.Id),
    code: failed.Code ?? "unknown",
    senderFault: failed.SenderFault ?? false,
  }));
}
