import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { IngestRequest, IngestResponse } from "./request.ts";

/** Translates an API Gateway HTTP API (payload 2.0) event into an ingest request, keeping the raw body bytes. */
export function requestFromApiGateway(event: APIGatewayProxyEventV2): IngestRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = event.body ?? "";
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    headers,
    query: new URLSearchParams(event.rawQueryString ?? ""),
    rawBody: Buffer.from(body, event.isBase64Encoded ? "base64" : "utf8"),
    receivedAt: event.requestContext.timeEpoch,
  };
}

export function responseToApiGateway(response: IngestResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: false,
  };
}
