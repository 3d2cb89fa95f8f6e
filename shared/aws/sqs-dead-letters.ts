import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DeadLetter, DeadLetterSink } from "../sync/ports.ts";
import { sendMessages } from "./sqs-batch.ts";

/** Long enough for any provider's error detail, short enough to keep the message far below SQS limits. */
const maxReasonLength = 1024;

/**
 * Dead letters in AWS: the original body goes to the DLQ unchanged (so a redrive replays it), and the
 * reason and provider travel as message attributes, where an operator browsing the DLQ sees them.
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(options: { client: SQSClient; queueUrl: string }) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    const messages = letters.map((letter) => ({
      body: letter.body,
      attributes: {
        reason: { DataType: "String", StringValue: attributeText(letter.reason) || "unknown" },
        ...(letter.provider ? { provider: { DataType: "String", StringValue: letter.provider } } : {}),
      },
    }));
    const failures = await sendMessages(this.#client, this.#queueUrl, messages);
    // Failing the whole sync batch makes SQS redeliver it, so a letter SQS refused is never lost.
    if (failures.length > 0) {
      const codes = [...new Set(failures.map(({ code }) => code))].join(", ");
      throw new Error(`${failures.length} of ${letters.length} dead letters were not accepted (${codes})`);
    }
  }
}

/**
 * SQS refuses attribute values with characters outside XML's set, and that refusal would fail the whole
 * sync batch again on every delivery; a reason is for reading, so such characters are dropped. Cut by code
 * point, so a surrogate pair is never split.
 */
function attributeText(reason: string): string {
  const characters = [...reason].filter((character) => isXmlCharacter(character.codePointAt(0) ?? 0));
  if (characters.length <= maxReasonLength) return characters.join("");
  return `${characters.slice(0, maxReasonLength - 1).join("")}…`;
}

const isXmlCharacter = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  code >= 0x10000;
