import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { UsageError } from "../shared/ops/cli-args.ts";
import { operatorCommands } from "../shared/ops/commands.ts";
import { operatorPath } from "../shared/ops/local-operator-client.ts";
import { letterChange, type OperatorDeps } from "../shared/ops/operator-deps.ts";
import type { MemoryChangeScheduler } from "./memory-change-scheduler.ts";
import type { MemoryQueue } from "./memory-queue.ts";

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const prefix = operatorPath("");

/**
 * The local runtime's operator endpoint, on the ingest port: `POST /_ops/<command>` with the command's JSON
 * arguments runs the same function `npm run <command>` runs on AWS, on the runtime's in-memory adapters,
 * and answers `{ "result": … }`. Only loopback peers are served: it changes state without authentication.
 * Every other path goes to ingest.
 */
export function withOperatorEndpoint(ingest: HttpHandler, deps: OperatorDeps): HttpHandler {
  return async (event, context) => {
    if (!event.rawPath.startsWith(prefix)) return ingest(event, context);
    if (!isLoopback(event.requestContext.http.sourceIp))
      return reply(403, { error: "the operator endpoint serves loopback peers only" });
    if (event.requestContext.http.method !== "POST") return reply(405, { error: "use POST" });
    const name = event.rawPath.slice(prefix.length);
    const command = Object.hasOwn(operatorCommands, name) ? operatorCommands[name] : undefined;
    if (!command) return reply(404, { error: `no operator command "${name}"` });
    const args = parseBody(event);
    if (args === undefined) return reply(400, { error: "the body must be the command's arguments as JSON" });
    try {
      return reply(200, { result: await command.run(deps, args) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return reply(error instanceof UsageError ? 400 : 500, { error: message });
    }
  };
}

/** The operator ports over the local runtime's in-memory adapters. */
export function localOperatorDeps(
  adapters: Pick<OperatorDeps, "store" | "holds" | "audit" | "reconcile"> & {
    queue: MemoryQueue;
    scheduler: Pick<MemoryChangeScheduler, "pending">;
  },
): OperatorDeps {
  const { queue, scheduler, ...stores } = adapters;
  return {
    ...stores,
    requeue: async (bodies) => {
      for (const body of bodies) queue.sendRaw(body);
    },
    deadLetters: queue.deadLetterSink,
    redrive: async ({ dryRun, max }) => {
      const letters = dryRun ? queue.deadLetters.slice(0, max) : queue.redrive(max);
      return letters.map((letter) => ({
        messageId: letter.messageId,
        reason: letter.reason,
        ...(letter.provider ? { provider: letter.provider } : {}),
        ...letterChange(letter.body),
        moved: !dryRun,
      }));
    },
    scheduledFor: async (person) =>
      scheduler
        .pending()
        .filter(({ change }) => change.person === person)
        .map(({ change, at }) => ({
          source: change.source,
          person,
          kind: change.kind,
          at: at.toISOString(),
        })),
  };
}

function isLoopback(address: string): boolean {
  const ipv4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return ipv4.startsWith("127.") || address === "::1";
}

function parseBody(event: APIGatewayProxyEventV2): unknown {
  const text = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8").toString()
    : "{}";
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const reply = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
