/** An HTTP request as ingest sees it, independent of API Gateway or the local server. */
export interface IngestRequest {
  method: string;
  /** Path without the stage, e.g. /scim/v2/Users/123 */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  query: URLSearchParams;
  /** The exact bytes received: signatures are computed over them. */
  rawBody: Buffer;
  /** When the request arrived (epoch ms); stamps the changes it produces. */
  receivedAt: number;
}

export interface IngestResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const jsonResponse = (
  status: number,
  body: unknown,
  contentType = "application/json",
): IngestResponse => ({
  status,
  headers: { "content-type": contentType },
  body: JSON.stringify(body),
});

export const emptyResponse = (status: number): IngestResponse => ({ status, headers: {}, body: "" });
