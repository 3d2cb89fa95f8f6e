import { UsageError } from "./cli-args.ts";

/** The variable that points every operator command at a local runtime instead of AWS. */
export const localUrlVariable = "IDP_SYNC_LOCAL_URL";

/** The path of the local runtime's operator endpoint for a command. */
export const operatorPath = (name: string) => `/_ops/${name}`;

/** Runs a command on the local runtime's operator endpoint and resolves with its result. */
export async function callLocalOperator(baseUrl: string, name: string, args: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(operatorPath(name), baseUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(args),
    });
  } catch (error) {
    throw new Error(`the local runtime does not answer at ${baseUrl} (is npm start running?)`, {
      cause: error,
    });
  }
  const body = (await response.json().catch(() => ({}))) as { result?: unknown; error?: string };
  if (response.ok) return body.result;
  const message = body.error ?? `the local runtime answered ${response.status}`;
  throw response.status === 400 ? new UsageError(message) : new Error(message);
}
