import { awsOperatorDeps } from "./aws-operator-deps.ts";
import { awsFlags, parseCommandLine, reportFailure, UsageError, usage } from "./cli-args.ts";
import { operatorCommands } from "./commands.ts";
import { callLocalOperator, localUrlVariable } from "./local-operator-client.ts";

const sharedOptions = {
  ...awsFlags,
  json: { type: "boolean", description: "print the result as JSON" },
  local: {
    type: "boolean",
    description: `run against the local runtime of npm start: --local [url] (default http://127.0.0.1:3000; env ${localUrlVariable})`,
  },
} as const;

/**
 * `npm run <name>`: runs an operator command on the AWS adapters, or with `--local [url]` (or
 * IDP_SYNC_LOCAL_URL) on the local runtime's operator endpoint; prints the same either way. Resolves with
 * the exit code: 0 done, 1 failed or not found, 2 a wrong command line.
 */
export async function runOperatorCli(
  name: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (text: string) => void = console.log,
): Promise<number> {
  const command = operatorCommands[name];
  if (!command) throw new Error(`no operator command "${name}"`);
  const options = { ...command.options, ...sharedOptions };
  try {
    const { localUrl, rest } = takeLocalUrl(argv, env);
    const { values, positionals } = parseCommandLine(rest, env, options);
    const args = command.fromCommandLine(values, positionals);
    const result =
      localUrl === undefined
        ? await command.run(awsOperatorDeps(values), args)
        : await callLocalOperator(localUrl, name, args);
    const { text, exitCode } = command.render(result);
    print(values.json === true ? JSON.stringify(result, null, 2) : text);
    return exitCode;
  } catch (error) {
    return reportFailure(error, usage(name, command.synopsis, options), print);
  }
}

const defaultLocalUrl = "http://127.0.0.1:3000";

/** `--local` takes an optional URL, which parseArgs cannot express: it is taken out here. */
function takeLocalUrl(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const rest = [...argv];
  const at = rest.findIndex((arg) => arg === "--local" || arg.startsWith("--local="));
  if (at < 0) return { localUrl: env[localUrlVariable] || undefined, rest };
  const [flag = ""] = rest.splice(at, 1);
  if (flag.startsWith("--local=")) return { localUrl: checkedUrl(flag.slice("--local=".length)), rest };
  const next = rest[at];
  if (next !== undefined && /^https?:\/\//.test(next)) {
    rest.splice(at, 1);
    return { localUrl: checkedUrl(next), rest };
  }
  return { localUrl: env[localUrlVariable] || defaultLocalUrl, rest };
}

function checkedUrl(text: string): string {
  if (!URL.canParse(text)) throw new UsageError(`--local takes a URL, not "${text}"`);
  return text;
}
