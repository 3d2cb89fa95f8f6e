import { afterEach, describe, expect, it } from "vitest";
import { redriveDeadLetters } from "../../shared/aws/sqs-redrive.ts";
import { type FakeSqsQueues, startFakeSqsQueues } from "./fake-sqs-queues.ts";

let sqs: FakeSqsQueues | undefined;
afterEach(async () => {
  await sqs?.server.close();
  sqs = undefined;
});

const body = (n: number) =>
  JSON.stringify({
    id: `c${n}`,
    source: "okta",
    person: `p${n}`,
    kind: "upsert",
    attributes: { password: "pw" },
  });

async function withLetters(count: number, failSend?: (body: string) => boolean) {
  sqs = await startFakeSqsQueues(failSend);
  for (let n = 0; n < count; n += 1) sqs.put("dlq", body(n), { reason: `reason ${n}`, provider: "descope" });
  sqs.put("changes", "already queued");
  const options = {
    client: sqs.client,
    deadLetterQueueUrl: sqs.url("dlq"),
    queueUrl: sqs.url("changes"),
    waitSeconds: 0,
  };
  return { sqs, options };
}

describe("redriveDeadLetters", () => {
  it("moves exactly the dead letters back, bodies unchanged, and empties the DLQ", async () => {
    const { sqs, options } = await withLetters(23);

    const letters = await redriveDeadLetters(options);

    expect(letters).toHaveLength(23);
    expect(letters.every((letter) => letter.moved)).toBe(true);
    expect(sqs.messages("dlq")).toEqual([]);
    const queued = sqs.messages("changes").map((message) => message.body);
    expect(queued.sort()).toEqual(
      ["already queued", ...Array.from({ length: 23 }, (_, n) => body(n))].sort(),
    );
    // The reason stays behind: the change queue gets the body only.
    expect(sqs.messages("changes").every((message) => Object.keys(message.attributes).length === 0)).toBe(
      true,
    );
  });

  it("lists letters and reasons on a dry run, moving nothing and leaving them visible", async () => {
    const { sqs, options } = await withLetters(12);

    const letters = await redriveDeadLetters({ ...options, dryRun: true });

    expect(letters.map((letter) => letter.reason).sort()).toEqual(
      Array.from({ length: 12 }, (_, n) => `reason ${n}`).sort(),
    );
    expect(letters[0]).toMatchObject({
      provider: "descope",
      moved: false,
      change: { source: "okta", kind: "upsert" },
    });
    expect(JSON.stringify(letters)).not.toContain("pw");
    expect(sqs.messages("dlq")).toHaveLength(12);
    expect(sqs.messages("dlq").every((message) => message.visibleAt <= Date.now())).toBe(true);
    expect(sqs.messages("changes")).toHaveLength(1);
  });

  it("keeps in the DLQ what the change queue refused", async () => {
    const { sqs, options } = await withLetters(5, (sent) => sent === body(2));

    const letters = await redriveDeadLetters(options);

    expect(letters.filter((letter) => !letter.moved).map((letter) => letter.change?.id)).toEqual(["c2"]);
    expect(sqs.messages("dlq").map((message) => message.body)).toEqual([body(2)]);
    expect(sqs.messages("changes")).toHaveLength(5);
  });

  it("stops after --max letters", async () => {
    const { sqs, options } = await withLetters(15);

    expect(await redriveDeadLetters({ ...options, max: 11 })).toHaveLength(11);

    expect(sqs.messages("dlq")).toHaveLength(4);
    expect(sqs.messages("changes")).toHaveLength(12);
  });
});
