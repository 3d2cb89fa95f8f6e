import { afterEach, describe, expect, it } from "vitest";
import { SqsDeadLetterSink } from "../../shared/aws/sqs-dead-letters.ts";
import { type EntryOutcome, type FakeSqs, startFakeSqs } from "./fake-sqs.ts";

let sqs: FakeSqs | undefined;
afterEach(async () => {
  await sqs?.server.close();
  sqs = undefined;
});

async function sinkWith(outcome?: (entry: { MessageBody: string }) => EntryOutcome) {
  sqs = await startFakeSqs(outcome);
  return { sqs, sink: new SqsDeadLetterSink({ client: sqs.client, queueUrl: sqs.queueUrl }) };
}

describe("SqsDeadLetterSink", () => {
  it("sends each original body unchanged, with the reason and provider as message attributes", async () => {
    const { sqs, sink } = await sinkWith();
    const body = '{"id":"c1","person":"p1"}';

    await sink.send([
      { body, reason: "unknown role admin", provider: "descope" },
      { body: "not even json", reason: "undecodable message" },
    ]);

    expect(sqs.server.requests.map(({ target, body }) => [target, body.QueueUrl])).toEqual([
      ["AmazonSQS.SendMessageBatch", sqs.queueUrl],
    ]);
    expect(
      sqs.batches()[0]?.map(({ MessageBody, MessageAttributes }) => ({ MessageBody, MessageAttributes })),
    ).toEqual([
      {
        MessageBody: body,
        MessageAttributes: {
          reason: { DataType: "String", StringValue: "unknown role admin" },
          provider: { DataType: "String", StringValue: "descope" },
        },
      },
      {
        MessageBody: "not even json",
        MessageAttributes: { reason: { DataType: "String", StringValue: "undecodable message" } },
      },
    ]);
  });

  it("sends in batches of 10", async () => {
    const { sqs, sink } = await sinkWith();

    await sink.send(Array.from({ length: 12 }, (_, n) => ({ body: `b${n}`, reason: "rejected" })));

    expect(sqs.batches().map((batch) => batch.length)).toEqual([10, 2]);
  });

  it("keeps a reason readable and acceptable to SQS: at most 1024 characters, no control characters", async () => {
    const { sqs, sink } = await sinkWith();

    await sink.send([
      { body: "a", reason: `bad\u0000 value\u001b[31m ${"é".repeat(2000)}` },
      { body: "b", reason: `${"x".repeat(1022)}😀😀😀` },
      { body: "c", reason: "" },
    ]);

    const reasons = sqs.batches()[0]?.map((entry) => entry.MessageAttributes?.reason?.StringValue ?? "");
    expect(reasons?.[0]?.startsWith("bad value[31m éé")).toBe(true);
    expect([...(reasons?.[0] ?? "")]).toHaveLength(1024);
    expect(reasons?.[0]?.endsWith("…")).toBe(true);
    // Cut between code points, never inside the surrogate pair of an emoji.
    expect(reasons?.[1]).toBe(`${"x".repeat(1022)}😀…`);
    expect(reasons?.[2]).toBe("unknown");
  });

  it("fails when SQS refuses a letter even after one more try, so the sync batch is redelivered", async () => {
    const { sqs, sink } = await sinkWith((entry) =>
      entry.MessageBody === "b1" ? { senderFault: false, code: "InternalError" } : "ok",
    );

    await expect(
      sink.send([
        { body: "b0", reason: "r" },
        { body: "b1", reason: "r" },
      ]),
    ).rejects.toThrow("1 of 2 dead letters were not accepted (InternalError)");
    expect(sqs.batches().map((batch) => batch.map((entry) => entry.MessageBody))).toEqual([
      ["b0", "b1"],
      ["b1"],
    ]);
  });
});
