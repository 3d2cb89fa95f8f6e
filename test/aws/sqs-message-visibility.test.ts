import { afterEach, describe, expect, it } from "vitest";
import { SqsMessageVisibility } from "../../shared/aws/sqs-message-visibility.ts";
import { type FakeAws, startFakeAws, type WireRequest } from "./fake-aws.ts";
import { queueUrlAt, sqsClient } from "./fake-sqs.ts";

let server: FakeAws | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers ChangeMessageVisibilityBatch, failing the entries whose receipt handle starts with "gone". */
async function visibilityWith() {
  server = await startFakeAws((request: WireRequest) => {
    const entries = request.body.Entries as { Id: string; ReceiptHandle: string }[];
    const gone = entries.filter((entry) => entry.ReceiptHandle.startsWith("gone"));
    return {
      body: {
        Successful: entries.filter((entry) => !gone.includes(entry)).map(({ Id }) => ({ Id })),
        Failed: gone.map(({ Id }) => ({ Id, SenderFault: true, Code: "ReceiptHandleIsInvalid" })),
      },
    };
  });
  return {
    server,
    visibility: new SqsMessageVisibility({
      client: sqsClient(server.endpoint),
      queueUrl: queueUrlAt(server.endpoint),
    }),
  };
}

describe("SqsMessageVisibility", () => {
  it("changes visibility in batches of 10, whole seconds within what SQS allows", async () => {
    const { server, visibility } = await visibilityWith();
    const messages = Array.from({ length: 11 }, (_, n) => ({
      receiptHandle: `rh-${n}`,
      delaySeconds: n * 1.4,
    }));
    messages.push({ receiptHandle: "rh-long", delaySeconds: 90_000 });

    await visibility.delay(messages);

    expect(server.requests.map(({ target, body }) => [target, body.QueueUrl])).toEqual(
      Array(2).fill(["AmazonSQS.ChangeMessageVisibilityBatch", queueUrlAt(server.endpoint)]),
    );
    const entries = server.requests.flatMap(({ body }) => body.Entries);
    expect(entries.map((entry) => [entry.ReceiptHandle, entry.VisibilityTimeout])).toEqual([
      ...messages.slice(0, 11).map(({ receiptHandle }, n) => [receiptHandle, Math.round(n * 1.4)]),
      ["rh-long", 43_200],
    ]);
  });

  it("fails when a message could not be delayed, so the handler can warn", async () => {
    const { visibility } = await visibilityWith();

    await expect(
      visibility.delay([
        { receiptHandle: "rh-1", delaySeconds: 5 },
        { receiptHandle: "gone-2", delaySeconds: 5 },
      ]),
    ).rejects.toThrow("1 of 2 messages were not delayed (ReceiptHandleIsInvalid)");
  });
});
