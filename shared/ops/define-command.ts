import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { UsageError } from "./cli-args.ts";
import type { OperatorDeps } from "./operator-deps.ts";

export type CliOptions = Record<string, { type: "string" | "boolean"; description: string }>;

/**
 * One operator command: a plain function of the operator ports and JSON arguments, the same whether the
 * CLI runs it on AWS adapters or the local runtime runs it behind its operator endpoint.
 */
export interface OperatorCommand {
  synopsis: string;
  /** The command's own flags; --local, --json and the AWS ones come on top. */
  options: CliOptions;
  /** The JSON arguments a command line stands for (`run` validates them, as on the endpoint). */
  fromCommandLine(values: Record<string, unknown>, positionals: readonly string[]): unknown;
  run(deps: OperatorDeps, args: unknown): Promise<unknown>;
  /** What an operator reads, and the exit code, for a result of `run` (here or from the endpoint). */
  render(result: unknown): { text: string; exitCode: number };
}

export function defineCommand<S extends z.ZodMiniType, R>(spec: {
  synopsis: string;
  options: CliOptions;
  args: S;
  fromCommandLine: OperatorCommand["fromCommandLine"];
  run(deps: OperatorDeps, args: z.output<S>): Promise<R>;
  render(result: R): { text: string; exitCode: number };
}): OperatorCommand {
  return {
    synopsis: spec.synopsis,
    options: spec.options,
    fromCommandLine: spec.fromCommandLine,
    run: (deps, input) => {
      const parsed = spec.args.safeParse(input);
      if (!parsed.success) throw new UsageError(z.prettifyError(parsed.error));
      return spec.run(deps, parsed.data);
    },
    render: (result) => spec.render(result as R),
  };
}
