import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface SimReply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

export interface SimServer {
  url: string;
  /** Every request as received, for assertions. */
  requests: SimRequest[];
  /** Answers the next `times` requests with `status` (e.g. 429, 503) before serving normally again. */
  failNext(status: number, times?: number, fault?: FaultOptions): void;
  /**
   * Answers requests that `match` with `status` (e.g. one page of a list, by its cursor), `times` times
   * (default: every time), while every other request is served.
   */
  failWhen(
    match: (request: SimRequest) => boolean,
    status: number,
    fault?: FaultOptions & { times?: number },
  ): void;
  close(): Promise<void>;
}

export interface FaultOptions {
  /** The Retry-After header of the injected answer, in seconds (default 1); null sends none. */
  retryAfterSeconds?: number | null;
}

interface FaultRule {
  match: (request: SimRequest) => boolean;
  status: number;
  remaining: number;
  retryAfterSeconds: number | null;
}

/** A loopback HTTP server (port 0) with request recording and injectable failures, shared by the HR simulators. */
export async function serveSimulator(route: (request: SimRequest) => SimReply): Promise<SimServer> {
  const requests: SimRequest[] = [];
  const faults: FaultRule[] = [];
  const addFault = (rule: FaultRule) => faults.push(rule);
  const takeFault = (request: SimRequest): FaultRule | undefined => {
    const rule = faults.find((candidate) => candidate.remaining > 0 && candidate.match(request));
    if (rule) rule.remaining -= 1;
    return rule;
  };
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? "/", "http://simulator");
    const request: SimRequest = {
      method: incoming.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(request);
    const fault = takeFault(request);
    const reply: SimReply =
      fault === undefined
        ? route(request)
        : {
            status: fault.status,
            json: { error: "injected failure" },
            ...(fault.retryAfterSeconds === null
              ? {}
              : { headers: { "retry-after": String(fault.retryAfterSeconds) } }),
          };
    const body = reply.json === undefined ? "" : JSON.stringify(reply.json);
    response
      .writeHead(reply.status, {
        ...(reply.json === undefined ? {} : { "content-type": "application/json" }),
        ...reply.headers,
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (status, times = 1, fault = {}) =>
      addFault({ match: () => true, status, remaining: times, retryAfterSeconds: retryAfterOf(fault) }),
    failWhen: (match, status, fault = {}) =>
      addFault({
        match,
        status,
        remaining: fault.times ?? Number.POSITIVE_INFINITY,
        retryAfterSeconds: retryAfterOf(fault),
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const retryAfterOf = (fault: FaultOptions) =>
  fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;

/** The user and password of a Basic authorization header, or undefined. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? "", "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  return separator < 0
    ? undefined
    : { user: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

/** The request's JSON object body, or undefined when it is not one. */
export function jsonBody(request: SimRequest): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(request.body);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
