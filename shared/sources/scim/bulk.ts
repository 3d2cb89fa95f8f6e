import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import type { ScimContext, ScimDispatch } from "./context.ts";
import { ScimError, scimResponse } from "./errors.ts";
import { isObject, type JsonObject } from "./normalise.ts";
import { readJsonBody } from "./request-body.ts";

export const bulkRequestSchemaUrn = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
export const bulkResponseSchemaUrn = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

interface BulkOperation {
  index: number;
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  bulkId?: string;
  path: string;
  data?: unknown;
}

interface BulkResult {
  method: string;
  bulkId?: string;
  location?: string;
  status: string;
  response?: unknown;
}

const invalidSyntax = (detail: string) => new ScimError(400, detail, "invalidSyntax");
const bulkIdReference = /^bulkId:(.+)$/;

/**
 * POST /Bulk (RFC 7644 §3.7). Operations run in the order given, except that an operation referring to a
 * `bulkId:` another operation creates waits until that one ran; each answers as its own request would.
 * With `failOnErrors`, processing stops after that many errors and the rest is left out of the response.
 * Requests beyond the advertised maxOperations or maxPayloadSize are refused whole with 413. `dispatch`
 * answers each operation (the router's, passed in so that neither module imports the other).
 */
export async function routeBulk(
  request: IngestRequest,
  context: ScimContext,
  dispatch: ScimDispatch,
): Promise<IngestResponse> {
  const { maxOperations, maxPayloadSize } = context.bulk;
  if (request.rawBody.length > maxPayloadSize)
    throw new ScimError(413, `the size of the bulk request exceeds the maxPayloadSize (${maxPayloadSize})`);
  const body = readJsonBody(request);
  if (!isObject(body)) throw invalidSyntax("the request body must be a JSON object");
  const schemas = body.schemas;
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(bulkRequestSchemaUrn)))
    throw invalidSyntax(`schemas must be ["${bulkRequestSchemaUrn}"]`);
  const raw = body.Operations;
  if (!Array.isArray(raw) || raw.length === 0) throw invalidSyntax("Operations must be a non-empty array");
  if (raw.length > maxOperations)
    throw new ScimError(413, `the number of operations exceeds the maxOperations (${maxOperations})`);
  const failOnErrors = readFailOnErrors(body.failOnErrors);
  const operations = raw.map(readOperation);
  const bulkIds = new Set<string>();
  for (const operation of operations) {
    if (operation.bulkId === undefined) continue;
    if (bulkIds.has(operation.bulkId))
      throw new ScimError(400, `bulkId "${operation.bulkId}" is used twice`, "invalidValue");
    bulkIds.add(operation.bulkId);
  }

  const resolved = new Map<string, string>();
  const failed = new Set<string>();
  const results = new Map<number, BulkResult>();
  let errors = 0;
  let pending = operations;
  while (pending.length > 0 && (failOnErrors === undefined || errors < failOnErrors)) {
    const waiting: BulkOperation[] = [];
    let progressed = false;
    for (const operation of pending) {
      if (failOnErrors !== undefined && errors >= failOnErrors) break;
      const references = referencesOf(operation);
      const unknown = references.find((reference) => !bulkIds.has(reference) || failed.has(reference));
      const open = references.filter((reference) => !resolved.has(reference));
      let result: BulkResult;
      if (unknown !== undefined) {
        result = errorResult(
          operation,
          new ScimError(409, `bulkId "${unknown}" names no operation that succeeded`, "invalidValue"),
        );
      } else if (open.length > 0) {
        waiting.push(operation);
        continue;
      } else {
        result = await runOperation(operation, resolved, request, context, dispatch);
      }
      progressed = true;
      results.set(operation.index, result);
      if (Number(result.status) >= 400) {
        errors += 1;
        if (operation.bulkId !== undefined) failed.add(operation.bulkId);
      }
    }
    if (!progressed) {
      // Only circular references are left: each waits for another.
      for (const operation of waiting) {
        results.set(
          operation.index,
          errorResult(
            operation,
            new ScimError(409, "the operation's bulkId references are circular", "invalidValue"),
          ),
        );
        errors += 1;
        if (operation.bulkId !== undefined) failed.add(operation.bulkId);
      }
      break;
    }
    pending = waiting;
  }
  const ordered = [...results.entries()].sort(([a], [b]) => a - b).map(([, result]) => result);
  return scimResponse(200, { schemas: [bulkResponseSchemaUrn], Operations: ordered });
}

function readFailOnErrors(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw new ScimError(400, "failOnErrors must be a positive integer", "invalidValue");
  return value;
}

function readOperation(raw: unknown, index: number): BulkOperation {
  if (!isObject(raw)) throw invalidSyntax(`Operations[${index}] must be an object`);
  const method = typeof raw.method === "string" ? raw.method.toUpperCase() : "";
  if (method !== "POST" && method !== "PUT" && method !== "PATCH" && method !== "DELETE")
    throw invalidSyntax(`Operations[${index}].method must be POST, PUT, PATCH or DELETE`);
  if (typeof raw.path !== "string" || !raw.path.startsWith("/"))
    throw invalidSyntax(`Operations[${index}].path must be a path such as "/Users"`);
  const bulkId = raw.bulkId;
  if (bulkId !== undefined && (typeof bulkId !== "string" || bulkId === ""))
    throw invalidSyntax(`Operations[${index}].bulkId must be a non-empty string`);
  if (method === "POST" && bulkId === undefined)
    throw invalidSyntax(`Operations[${index}]: a POST needs a bulkId`);
  if (method !== "DELETE" && raw.data === undefined)
    throw invalidSyntax(`Operations[${index}]: ${method} needs data`);
  if (/^\/bulk(\/|$)/i.test(raw.path)) throw invalidSyntax(`Operations[${index}]: a bulk cannot nest`);
  return {
    index,
    method,
    path: raw.path,
    ...(bulkId === undefined ? {} : { bulkId }),
    ...(raw.data === undefined ? {} : { data: raw.data }),
  };
}

/** Every `bulkId:x` the operation's path or data refers to. */
function referencesOf(operation: BulkOperation): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === "string") {
      const match = bulkIdReference.exec(value);
      if (match) found.add(match[1] as string);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  for (const segment of operation.path.split("/")) visit(safeDecode(segment));
  visit(operation.data);
  return [...found];
}

function substitute(value: unknown, resolved: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") {
    const match = bulkIdReference.exec(value);
    return match ? (resolved.get(match[1] as string) ?? value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, resolved));
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, resolved)]));
  return value;
}

async function runOperation(
  operation: BulkOperation,
  resolved: Map<string, string>,
  request: IngestRequest,
  context: ScimContext,
  dispatch: ScimDispatch,
): Promise<BulkResult> {
  const path = operation.path
    .split("/")
    .map((segment) => {
      const value = substitute(safeDecode(segment), resolved) as string;
      return value === safeDecode(segment) ? segment : encodeURIComponent(value);
    })
    .join("/");
  const [pathOnly = "", queryText = ""] = path.split("?");
  const inner: IngestRequest = {
    method: operation.method,
    path: pathOnly,
    headers: request.headers,
    query: new URLSearchParams(queryText),
    rawBody: Buffer.from(
      operation.data === undefined ? "" : JSON.stringify(substitute(operation.data, resolved)),
    ),
    receivedAt: request.receivedAt,
  };
  let response: IngestResponse;
  try {
    response = await dispatch(inner, pathOnly, context);
  } catch (error) {
    if (error instanceof ScimError) return errorResult(operation, error);
    throw error;
  }
  const resource = response.body ? (JSON.parse(response.body) as JsonObject) : undefined;
  if (response.status >= 400)
    return { ...head(operation), status: String(response.status), response: resource };
  const id = typeof resource?.id === "string" ? resource.id : undefined;
  if (operation.bulkId !== undefined && id !== undefined) resolved.set(operation.bulkId, id);
  const meta = isObject(resource?.meta) ? resource.meta : undefined;
  const location =
    response.headers.location ??
    (typeof meta?.location === "string" ? meta.location : `${context.baseUrl}${pathOnly}`);
  return {
    ...head(operation),
    location,
    status: String(response.status),
  };
}

const head = (operation: BulkOperation) => ({
  method: operation.method,
  ...(operation.bulkId === undefined ? {} : { bulkId: operation.bulkId }),
});

function errorResult(operation: BulkOperation, error: ScimError): BulkResult {
  return {
    ...head(operation),
    status: String(error.status),
    response: JSON.parse(error.toResponse().body),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
