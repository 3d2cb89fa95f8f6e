import { createHash, randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { type FakeAws, startFakeAws } from "./fake-aws.ts";
import { sqsClient } from "./fake-sqs.ts";

export interface FakeMessage {
  messageId: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue: string }>;
  /** Epoch ms from which it may be received again. */
  visibleAt: number;
  receiptHandle?: string;
  receives: number;
}

export interface FakeSqsQueues {
  server: FakeAws;
  client: SQSClient;
  url(name: string): string;
  /** The messages of a queue, in order; visible or in flight. */
  messages(name: string): FakeMessage[];
  put(name: string, body: string, attributes?: Record<string, string>): void;
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/**
 * SQS on loopback with real queues: ReceiveMessage (visibility timeout, at most 10), SendMessageBatch,
 * DeleteMessageBatch and ChangeMessageVisibilityBatch by receipt handle, so the real SDK client runs end to
 * end. `failSend` makes SendMessageBatch fail the entries it names.
 */
export async function startFakeSqsQueues(
  failSend: (body: string) => boolean = () => false,
): Promise<FakeSqsQueues> {
  const queues = new Map<string, FakeMessage[]>();
  const queue = (url: string) => queues.get(url) ?? queues.set(url, []).get(url) ?? [];
  const byHandle = (url: string, handle: string) => queue(url).find((m) => m.receiptHandle === handle);
  const server = await startFakeAws(({ target, body }) => {
    const url = String(body.QueueUrl);
    switch (target) {
      case "AmazonSQS.ReceiveMessage": {
        const now = Date.now();
        const visible = queue(url)
          .filter((m) => m.visibleAt <= now)
          .slice(0, body.MaxNumberOfMessages ?? 1);
        for (const message of visible) {
          message.receives += 1;
          message.receiptHandle = randomUUID();
          message.visibleAt = now + (body.VisibilityTimeout ?? 30) * 1000;
        }
        return {
          body: {
            Messages: visible.map((m) => ({
              MessageId: m.messageId,
              ReceiptHandle: m.receiptHandle,
              MD5OfBody: md5(m.body),
              Body: m.body,
              ...(body.MessageAttributeNames ? { MessageAttributes: m.attributes } : {}),
            })),
          },
        };
      }
      case "AmazonSQS.SendMessageBatch": {
        const entries = body.Entries as {
          Id: string;
          MessageBody: string;
          MessageAttributes?: FakeMessage["attributes"];
        }[];
        const failed = entries.filter((entry) => failSend(entry.MessageBody));
        const ok = entries.filter((entry) => !failSend(entry.MessageBody));
        for (const entry of ok)
          queue(url).push({
            messageId: randomUUID(),
            body: entry.MessageBody,
            attributes: entry.MessageAttributes ?? {},
            visibleAt: 0,
            receives: 0,
          });
        return {
          body: {
            Successful: ok.map((e) => ({
              Id: e.Id,
              MessageId: randomUUID(),
              MD5OfMessageBody: md5(e.MessageBody),
            })),
            Failed: failed.map((e) => ({ Id: e.Id, SenderFault: true, Code: "InvalidParameterValue" })),
          },
        };
      }
      case "AmazonSQS.DeleteMessageBatch":
      case "AmazonSQS.ChangeMessageVisibilityBatch": {
        const entries = body.Entries as { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[];
        for (const entry of entries) {
          const message = byHandle(url, entry.ReceiptHandle);
          if (!message) continue;
          if (target.endsWith("DeleteMessageBatch")) queue(url).splice(queue(url).indexOf(message), 1);
          else message.visibleAt = Date.now() + (entry.VisibilityTimeout ?? 0) * 1000;
        }
        return { body: { Successful: entries.map(({ Id }) => ({ Id })), Failed: [] } };
      }
      default:
        return { status: 400, body: { __type: "UnsupportedOperation", message: target } };
    }
  });
  const url = (name: string) => `${server.endpoint}/000000000000/${name}`;
  return {
    server,
    client: sqsClient(server.endpoint),
    url,
    messages: (name) => queue(url(name)),
    put: (name, body, attributes = {}) =>
      queue(url(name)).push({
        messageId: randomUUID(),
        body,
        attributes: Object.fromEntries(
          Object.entries(attributes).map(([key, value]) => [key, { DataType: "String", StringValue: value }]),
        ),
        visibleAt: 0,
        receives: 0,
      }),
  };
}
