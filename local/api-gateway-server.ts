import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { Clock } from "../shared/http/token-bucket.ts";

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway's HTTP API limit; larger requests never reach the Lambda there either. */
const maxPayloadBytes = 10 * 1024 * 1024;

/**
 * Serves a Lambda handler the way an API Gateway HTTP API (payload format 2.0, `$default` route) does:
 * each request becomes one event, the handler's result becomes the response.
 */
export async function serveHttpHandler(
  handler: HttpHandler,
  options: { host: string; port: number; clock?: Pick<Clock, "now"> },
): Promise<{ server: Server; url: string }> {
  const clock = options.clock ?? { now: Date.now };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (body === undefined) {
      response
        .writeHead(413, { "content-type": "application/json" })
        .end('{"message":"Request Entity Too Large"}');
      return;
    }
    const result = await handler(toEvent(request, body, clock.now()), lambdaContext("ingest"));
    response
      .writeHead(result.statusCode ?? 200, result.headers as Record<string, string>)
      .end(result.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host}:${port}` };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxPayloadBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `now` is when the request arrived: API Gateway's `requestContext.timeEpoch`. */
function toEvent(request: IncomingMessage, body: Buffer, now: number): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  // API Gateway tells the function the scheme the client used; this server speaks plain HTTP.
  headers["x-forwarded-proto"] ??= "http";
  const method = request.method ?? "GET";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method,
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: request.socket.remoteAddress ?? "",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    // API Gateway base64-encodes bodies it does not know to be text; do the same so signatures see raw bytes.
    body: body.length > 0 ? body.toString("base64") : undefined,
    isBase64Encoded: body.length > 0,
  } as APIGatewayProxyEventV2;
}

/** The Lambda context fields the Powertools middlewares read. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
