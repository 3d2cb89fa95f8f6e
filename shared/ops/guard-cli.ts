import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbDeprovisioningHolds } from "../aws/dynamodb-deprovisioning-holds.ts";
import { DynamoDbStateStore } from "../aws/dynamodb-state-store.ts";
import { sendMessages } from "../aws/sqs-batch.ts";
import { SqsDeadLetterSink } from "../aws/sqs-dead-letters.ts";
import { awsFlags, parseCommandLine, reportFailure, required, UsageError, usage } from "./cli-args.ts";
import { discardHeld, listHeld, releaseHeld } from "./guard-commands.ts";

const options = {
  ...awsFlags,
  provider: { type: "string", description: "only this provider (default: every provider)" },
} as const;
const commands = ["list", "release", "discard", "recount"];
const synopsis = "list|release|discard|recount [--provider name] [--table t] [--queue-url u] [--dlq-url u]";

/**
 * `npm run guard`: what the deprovisioning guard holds in AWS, and the operator's decision on it.
 * list needs --table; release also --queue-url; discard also --dlq-url; recount rebuilds the user counters.
 * Prints JSON; resolves with the exit code.
 */
export async function runGuardCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (text: string) => void = console.log,
): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv, env, options);
    const provider = typeof values.provider === "string" ? values.provider : undefined;
    if (!commands.includes(positionals[0] ?? ""))
      throw new UsageError(`unknown command "${positionals[0] ?? ""}"`);
    const dynamo = new DynamoDBClient({});
    const tableName = required(values, "table");
    const holds = new DynamoDbDeprovisioningHolds({ client: dynamo, tableName });
    const sqs = new SQSClient({});
    const result = await (async () => {
      switch (positionals[0]) {
        case "list":
          return listHeld(holds, provider);
        case "release": {
          const queueUrl = required(values, "queue-url");
          const requeue = async (bodies: readonly string[]) => {
            const failures = await sendMessages(
              sqs,
              queueUrl,
              bodies.map((body) => ({ body })),
            );
            if (failures.length > 0)
              throw new Error(`${failures.length} changes were not requeued: run release again`);
          };
          return releaseHeld({ holds, requeue, deadLetters: { send: async () => {} } }, provider);
        }
        case "discard": {
          const deadLetters = new SqsDeadLetterSink({ client: sqs, queueUrl: required(values, "dlq-url") });
          return discardHeld({ holds, deadLetters, requeue: async () => {} }, provider);
        }
        case "recount":
          return new DynamoDbStateStore({ client: dynamo, tableName }).recountUsers();
        default:
          throw new UsageError(`unknown command "${positionals[0] ?? ""}"`);
      }
    })();
    print(JSON.stringify(result, null, 2));
    return 0;
  } catch (error) {
    return reportFailure(error, usage("guard", synopsis, options), print);
  }
}
