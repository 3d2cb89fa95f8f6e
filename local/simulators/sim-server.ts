import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../shared/http/token-bucket.ts";
import type { FaultSwitch, Faults } from "./faults.ts";

/** An answer of a simulator. */
export interface Reply {
  status: number;
  json?: unknown;
  /** A non-JSON body (an edge proxy's 429 page). */
  text?: string;
  headers?: Record<string, string>;
}

/** A request as received: the body verbatim (passwords included: tests assert exact bodies; never print it). */
export interface RecordedRequest {
  method: string;
  /** Path and query string. */
  path: string;
  /** The answer's status, or "no answer" when a timeout fault swallowed it. */
  status: number | "no answer";
  /** Parsed JSON, else the raw text (e.g. a form-encoded token request). */
  body: unknown;
  /** Clock time the request arrived (ms). */
  at: number;
}

export interface SimServerOptions<Extra extends object> {
  /** Where to listen: loopback and a free port unless given. */
  listen: { port?: number; host?: string };
  clock: Clock;
  faults: FaultSwitch<Faults>;
  /** Headers worth recording beside method, path and body (e.g. a tenant header). */
  record(headers: IncomingHttpHeaders): Extra;
  /**
   * Answers an API call (anything outside `/_sim/`), after the latency fault; "hang" leaves it
   * unanswered, as a timeout fault does.
   */
  answer(request: IncomingMessage, url: URL, text: string): Promise<Reply | "hang">;
  /** What `GET /_sim/users` shows. */
  users(): unknown;
  /** Forgets the simulator's own state (users, limits, tokens); requests, statistics and faults are reset here. */
  reset(): void;
  /** The answer when the simulator itself failed (a bug in it), in the provider's error format. */
  internalError(error: unknown): Reply;
}

export interface SimServer<Extra extends object> {
  url: string;
  port: number;
  requests(): (RecordedRequest & Extra)[];
  /** Requests being answered right now, and the most there ever were at once. */
  stats(): { inFlight: number; maxInFlight: number };
  /** Forgets users, requests, statistics and faults. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A provider simulator's HTTP server on loopback: records every API request, applies the latency fault,
 * and serves the unauthenticated test surface every simulator shares: `GET /_sim/users`,
 * `GET /_sim/requests`, `GET /_sim/stats`, `POST /_sim/reset`, `POST /_sim/faults`.
 */
export async function startSimServer<Extra extends object>(
  options: SimServerOptions<Extra>,
): Promise<SimServer<Extra>> {
  const { clock, faults } = options;
  let requests: (RecordedRequest & Extra)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const reset = () => {
    options.reset();
    requests = [];
    maxInFlight = inFlight;
    faults.set({});
  };

  const simRoutes: Record<string, (text: string) => Reply> = {
    "GET /_sim/users": () => ({ status: 200, json: options.users() }),
    "GET /_sim/requests": () => ({ status: 200, json: requests }),
    "GET /_sim/stats": () => ({ status: 200, json: { inFlight, maxInFlight } }),
    "POST /_sim/reset": () => {
      reset();
      return { status: 200, json: {} };
    },
    "POST /_sim/faults": (text) => {
      const problem = faults.setFromJson(text ? parseJson(text) : {});
      return problem ? { status: 400, json: problem } : { status: 200, json: faults.current };
    },
  };

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://simulator");
      const text = await readBody(request);
      if (url.pathname.startsWith("/_sim/")) {
        const route = simRoutes[`${request.method} ${url.pathname}`];
        return send(
          response,
          route ? route(text) : { status: 404, json: { error: "unknown simulator route" } },
        );
      }
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      response.once("close", () => {
        inFlight -= 1;
      });
      const record: RecordedRequest & Extra = {
        method: request.method ?? "",
        path: url.pathname + url.search,
        status: "no answer",
        body: text ? (parseJson(text) ?? text) : undefined,
        ...options.record(request.headers),
        at: clock.now(),
      };
      requests.push(record);
      if (faults.current.latencyMs > 0) await clock.sleep(faults.current.latencyMs);
      const reply = await options.answer(request, url, text);
      if (reply === "hang") return;
      record.status = reply.status;
      send(response, reply);
    } catch (error) {
      send(response, options.internalError(error));
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(options.listen.port ?? 0, options.listen.host ?? "127.0.0.1", resolve),
  );
  const { port, address } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    port,
    requests: () => [...requests],
    stats: () => ({ inFlight, maxInFlight }),
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Records the request header `header` as `field`, when sent once. */
export const recordHeader =
  <K extends string>(header: string, field: K) =>
  (headers: IncomingHttpHeaders): { [P in K]?: string } => {
    const value = headers[header];
    return typeof value === "string" ? ({ [field]: value } as { [P in K]?: string }) : {};
  };

/** A 429 with Retry-After: `json` as the provider words it, or an edge proxy's HTML page when asked. */
export function tooManyRequests(json: Reply, retryAfterSeconds: number, nonJson: boolean): Reply {
  return {
    ...(nonJson ? { status: 429, text: "<html><body><h1>429 Too Many Requests</h1></body></html>" } : json),
    headers: { "retry-after": String(retryAfterSeconds) },
  };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, reply: Reply): void {
  const body = reply.json === undefined ? (reply.text ?? "") : JSON.stringify(reply.json);
  const type = reply.json === undefined ? "text/html" : "application/json";
  response.writeHead(reply.status, { "content-type": type, ...reply.headers }).end(body);
}
