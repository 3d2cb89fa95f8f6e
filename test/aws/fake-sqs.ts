import { createHash } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type FakeAws, offlineClientConfig, startFakeAws } from "./fake-aws.ts";

export interface BatchEntry {
  Id: string;
  MessageBody: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
}

/** How the fake answers one entry: accepted, or failed the way SQS reports it. */
export type EntryOutcome = "ok" | { senderFault: boolean; code: string };

export interface FakeSqs {
  server: FakeAws;
  client: SQSClient;
  queueUrl: string;
  /** The entries of every SendMessageBatch call, call by call. */
  batches(): BatchEntry[][];
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/** A real SQS client for a loopback server; no SDK retries, so every request a test sees is the adapter's. */
export const sqsClient = (endpoint: string) =>
  new SQSClient({ ...offlineClientConfig, endpoint, maxAttempts: 1 });

export const queueUrlAt = (endpoint: string) => `${endpoint}/000000000000/idp-sync-changes`;

/** SQS on loopback: SendMessageBatch answers each entry as `outcome` says, with the body MD5 the SDK checks. */
export async function startFakeSqs(
  outcome: (entry: BatchEntry) => EntryOutcome = () => "ok",
): Promise<FakeSqs> {
  const server = await startFakeAws((request) => {
    const entries = request.body.Entries as BatchEntry[];
    const results = entries.map((entry) => ({ entry, result: outcome(entry) }));
    return {
      body: {
        Successful: results
          .filter(({ result }) => result === "ok")
          .map(({ entry }) => ({
            Id: entry.Id,
            MessageId: `m-${entry.Id}`,
            MD5OfMessageBody: md5(entry.MessageBody),
          })),
        Failed: results.flatMap(({ entry, result }) =>
          result === "ok" ? [] : [{ Id: entry.Id, SenderFault: result.senderFault, Code: result.code }],
        ),
      },
    };
  });
  return {
    server,
    client: sqsClient(server.endpoint),
    queueUrl: queueUrlAt(server.endpoint),
    batches: () => server.requests.map((request) => request.body.Entries as BatchEntry[]),
  };
}
