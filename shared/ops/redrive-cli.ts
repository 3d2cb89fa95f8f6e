import { SQSClient } from "@aws-sdk/client-sqs";
import { redriveDeadLetters } from "../aws/sqs-redrive.ts";
import { awsFlags, parseCommandLine, reportFailure, required, UsageError, usage } from "./cli-args.ts";

const options = {
  "queue-url": awsFlags["queue-url"],
  "dlq-url": awsFlags["dlq-url"],
  "dry-run": { type: "boolean", description: "list the dead letters and their reasons, move nothing" },
  max: { type: "string", description: "move at most this many (default: all)" },
} as const;
const synopsis = "[--dry-run] [--max n] [--queue-url u] [--dlq-url u]";

/** `npm run redrive`: moves the dead letters back to the change queue after a fix. Prints JSON. */
export async function runRedriveCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (text: string) => void = console.log,
): Promise<number> {
  try {
    const { values } = parseCommandLine(argv, env, options);
    const max = values.max === undefined ? undefined : Number(values.max);
    if (max !== undefined && !(Number.isInteger(max) && max > 0))
      throw new UsageError("--max takes a whole number");
    const letters = await redriveDeadLetters({
      client: new SQSClient({}),
      deadLetterQueueUrl: required(values, "dlq-url"),
      queueUrl: required(values, "queue-url"),
      dryRun: values["dry-run"] === true,
      ...(max === undefined ? {} : { max }),
    });
    const moved = letters.filter((letter) => letter.moved).length;
    print(
      JSON.stringify(
        { dryRun: values["dry-run"] === true, letters: letters.length, moved, details: letters },
        null,
        2,
      ),
    );
    return moved === letters.length || values["dry-run"] === true ? 0 : 1;
  } catch (error) {
    return reportFailure(error, usage("redrive", synopsis, options), print);
  }
}
