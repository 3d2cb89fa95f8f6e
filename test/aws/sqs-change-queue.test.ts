import { afterEach, describe, expect, it } from "vitest";
import { SqsChangeQueue } from "../../shared/aws/sqs-change-queue.ts";
import type { UserChange } from "../../shared/model/change.ts";
import { awsError, startFakeAws } from "./fake-aws.ts";
import { type EntryOutcome, type FakeSqs, queueUrlAt, sqsClient, startFakeSqs } from "./fake-sqs.ts";

// Ids as sources make them: long, with characters SQS does not allow in batch entry ids.
const change = (n: number, attributes: UserChange["attributes"] = {}): UserChange => ({
  id: `scim:tenant/42#change=${n}:${"z".repeat(90)}`,
  source: "scim",
  person: `person-${n}`,
  at: "2026-01-01T00:00:00.000Z",
  kind: "upsert",
  attributes: { givenName: `Person ${n}`, ...attributes },
});
const changes = (count: number) => Array.from({ length: count }, (_, n) => change(n));

let sqs: FakeSqs | undefined;
afterEach(async () => {
  await sqs?.server.close();
  sqs = undefined;
});

async function queueWith(outcome?: (entry: { MessageBody: string }) => EntryOutcome) {
  sqs = await startFakeSqs(outcome);
  return { sqs, queue: new SqsChangeQueue({ client: sqs.client, queueUrl: sqs.queueUrl }) };
}

const personOf = (entry: { MessageBody: string }) => (JSON.parse(entry.MessageBody) as UserChange).person;

describe("SqsChangeQueue", () => {
  it("sends every change as JSON in SendMessageBatch calls of at most 10 legal entries", async () => {
    const { sqs, queue } = await queueWith();
    const sent = changes(23);

    expect(await queue.send(sent)).toEqual([]);

    expect(sqs.server.requests.map(({ target, contentType }) => [target, contentType])).toEqual(
      Array(3).fill(["AmazonSQS.SendMessageBatch", "application/x-amz-json-1.0"]),
    );
    expect(sqs.server.requests.every(({ body }) => body.QueueUrl === sqs.queueUrl)).toBe(true);
    const batches = sqs.batches();
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 3]);
    for (const batch of batches) {
      expect(batch.every(({ Id }) => /^[A-Za-z0-9_-]{1,80}$/.test(Id))).toBe(true);
      expect(new Set(batch.map(({ Id }) => Id)).size).toBe(batch.length);
    }
    expect(batches.flat().map(({ MessageBody }) => JSON.parse(MessageBody))).toEqual(sent);
  });

  it("splits batches whose payload would exceed 256 KiB", async () => {
    const { sqs, queue } = await queueWith();
    const large = Array.from({ length: 5 }, (_, n) =>
      change(n, { customAttributes: { notes: "x".repeat(100_000) } }),
    );

    expect(await queue.send(large)).toEqual([]);

    expect(sqs.batches().map((batch) => batch.length)).toEqual([2, 2, 1]);
  });

  it("returns the ids of changes SQS refused, retrying server-side failures once", async () => {
    const attempts = new Map<string, number>();
    const { sqs, queue } = await queueWith((entry) => {
      const person = personOf(entry);
      const attempt = (attempts.get(person) ?? 0) + 1;
      attempts.set(person, attempt);
      if (person === "person-1") return { senderFault: true, code: "InvalidMessageContents" };
      if (person === "person-2" && attempt === 1) return { senderFault: false, code: "InternalError" };
      if (person === "person-3") return { senderFault: false, code: "InternalError" };
      return "ok";
    });
    const sent = changes(5);

    const failed = await queue.send(sent);

    expect(failed.sort()).toEqual([sent[1]?.id, sent[3]?.id].sort());
    // Only the server-side failures went out again, and only once.
    expect(sqs.batches().map((batch) => batch.map(personOf))).toEqual([
      ["person-0", "person-1", "person-2", "person-3", "person-4"],
      ["person-2", "person-3"],
    ]);
  });

  it("rejects when SQS refuses the whole call", async () => {
    const server = await startFakeAws(() =>
      awsError(400, "AWS.SimpleQueueService.NonExistentQueue", "no queue"),
    );
    const queue = new SqsChangeQueue({
      client: sqsClient(server.endpoint),
      queueUrl: queueUrlAt(server.endpoint),
    });

    await expect(queue.send(changes(1))).rejects.toThrow("no queue");
    await server.close();
  });
});
