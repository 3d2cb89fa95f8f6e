import { parseArgs } from "node:util";
import * as z from "zod/mini";
import "../model/schema-messages.ts";

/** The flags the operator commands share; each falls back to the variable the stack's outputs name. */
export const awsFlags = {
  table: { type: "string", description: "state table name (env STATE_TABLE; stack output StateTableName)" },
  "queue-url": { type: "string", description: "change queue URL (env QUEUE_URL; stack output QueueUrl)" },
  "dlq-url": {
    type: "string",
    description: "dead-letter queue URL (env DLQ_URL; output DeadLetterQueueUrl)",
  },
  "schedule-group": {
    type: "string",
    description: "schedule group of future-dated changes (env SCHEDULE_GROUP; output ScheduleGroupName)",
  },
} as const;

const envFallbacks = {
  table: "STATE_TABLE",
  "queue-url": "QUEUE_URL",
  "dlq-url": "DLQ_URL",
  "schedule-group": "SCHEDULE_GROUP",
} as const;

/** Parses argv strictly; unknown flags and missing values fail with a message for the operator. */
export function parseCommandLine<const O extends Record<string, { type: "string" | "boolean" }>>(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: O,
) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options,
    allowPositionals: true,
    strict: true,
  });
  const withEnv: Record<string, unknown> = { ...values };
  for (const [flag, variable] of Object.entries(envFallbacks))
    if (flag in options && withEnv[flag] === undefined && env[variable]) withEnv[flag] = env[variable];
  return { values: withEnv, positionals };
}

/** Names the flag (or its variable) an operator must give, instead of failing deep inside the SDK. */
export function required(values: Record<string, unknown>, flag: keyof typeof envFallbacks): string {
  const parsed = z.string().check(z.minLength(1)).safeParse(values[flag]);
  if (!parsed.success) throw new UsageError(`--${flag} (or ${envFallbacks[flag]}) is required`);
  return parsed.data;
}

export class UsageError extends Error {}

/** Prints why a command failed (with the usage when the command line was wrong); returns the exit code. */
export function reportFailure(error: unknown, usageText: string, print: (text: string) => void): number {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const isUsage =
    error instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"));
  print(isUsage ? `${message}\n${usageText}` : message);
  return isUsage ? 2 : 1;
}

export function usage(name: string, synopsis: string, options: Record<string, { description?: string }>) {
  const lines = Object.entries(options).map(
    ([flag, { description }]) => `  --${flag.padEnd(14)} ${description ?? ""}`,
  );
  return [`usage: npm run ${name} -- ${synopsis}`, ...lines].join("\n");
}
