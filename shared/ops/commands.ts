import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { UsageError } from "./cli-args.ts";
import { defineCommand, type OperatorCommand } from "./define-command.ts";
import { discardHeld, listHeld, releaseHeld } from "./guard-commands.ts";
import { reconcileCommand } from "./reconcile-command.ts";
import { type StatusResult, status, statusArgsSchema } from "./status.ts";
import { renderStatus } from "./status-text.ts";

const asJson = (result: unknown) => JSON.stringify(result, null, 2);
const optionalString = (value: unknown) => (typeof value === "string" ? value : undefined);

const statusCommand = defineCommand({
  synopsis: "<person id | loginId | change id> [--days n] [--json] [--local [url]] [--table t]",
  options: { days: { type: "string", description: "days of the audit trail to show (default 30)" } },
  args: statusArgsSchema,
  fromCommandLine: (values, positionals) => {
    if (positionals.length !== 1) throw new UsageError("give one person id, loginId or change id");
    return { id: positionals[0], ...(values.days === undefined ? {} : { days: Number(values.days) }) };
  },
  run: status,
  render: (result: StatusResult) => ({ text: renderStatus(result), exitCode: result.found ? 0 : 1 }),
});

const guardArgsSchema = z.strictObject({
  action: z.enum(["list", "release", "discard"]),
  provider: z.optional(z.string().check(z.minLength(1))),
  person: z.optional(z.string().check(z.minLength(1))),
});

const guardCommand = defineCommand({
  synopsis:
    "list|release|discard [--provider name] [--person id] [--local [url]] [--table t] [--queue-url u] [--dlq-url u]",
  options: {
    provider: { type: "string", description: "only this provider (default: every provider)" },
    person: { type: "string", description: "only this person (default: every person)" },
  },
  args: guardArgsSchema,
  fromCommandLine: (values, positionals) => {
    const [action, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected "${rest.join(" ")}"`);
    if (!guardArgsSchema.shape.action.safeParse(action).success)
      throw new UsageError(`unknown command "${action ?? ""}"`);
    const provider = optionalString(values.provider);
    const person = optionalString(values.person);
    return { action, ...(provider ? { provider } : {}), ...(person ? { person } : {}) };
  },
  run: async (deps, { action, ...scope }) => {
    switch (action) {
      case "list":
        return listHeld(deps.holds, scope);
      case "release":
        return releaseHeld(deps, scope);
      case "discard":
        return discardHeld(deps, scope);
    }
  },
  render: (result) => ({ text: asJson(result), exitCode: 0 }),
});

const redriveCommand = defineCommand({
  synopsis: "[--dry-run] [--max n] [--local [url]] [--queue-url u] [--dlq-url u]",
  options: {
    "dry-run": { type: "boolean", description: "list the dead letters and their reasons, move nothing" },
    max: { type: "string", description: "move at most this many (default: all)" },
  },
  args: z.strictObject({
    dryRun: z._default(z.boolean(), false),
    max: z.optional(z.int().check(z.positive())),
  }),
  fromCommandLine: (values) => {
    const max = values.max === undefined ? undefined : Number(values.max);
    if (max !== undefined && !(Number.isInteger(max) && max > 0))
      throw new UsageError("--max takes a whole number");
    return { dryRun: values["dry-run"] === true, ...(max === undefined ? {} : { max }) };
  },
  run: async (deps, { dryRun, max }) => {
    const details = await deps.redrive({ dryRun, ...(max === undefined ? {} : { max }) });
    const moved = details.filter((letter) => letter.moved).length;
    return { dryRun, letters: details.length, moved, details };
  },
  render: (result) => ({
    text: asJson(result),
    exitCode: result.moved === result.letters || result.dryRun ? 0 : 1,
  }),
});

/** Every operator command, by the name `npm run <name>` and the local endpoint `/_ops/<name>` use. */
export const operatorCommands: Readonly<Record<string, OperatorCommand>> = {
  status: statusCommand,
  guard: guardCommand,
  redrive: redriveCommand,
  reconcile: reconcileCommand,
};
