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
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

/** A loopback HTTP server (port 0) with request recording and injectable failures, shared by the HR simulators. */
export async function serveSimulator(route: (request: SimRequest) => SimReply): Promise<SimServer> {
  const requests: SimRequest[] = [];
  const failures: number[] = [];
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
    const failure = failures.shift();
    const reply: SimReply =
      failure === undefined
        ? route(request)
        : { status: failure, json: { error: "injected failure" }, headers: { "retry-after": "1" } };
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
    failNext: (status, times = 1) => failures.push(...Array.from({ length: times }, () => status)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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
