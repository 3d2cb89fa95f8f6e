import { ScimError } from "./errors.ts";
import { type Filter, parseFilter } from "./filter.ts";
import { isObject, type JsonObject } from "./normalise.ts";
import { type ResourceSchema, resolveAttribute } from "./resource-schemas.ts";

export const listResponseSchemaUrn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const searchRequestSchemaUrn = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/** A query (RFC 7644 §3.4.2): filter, 1-based paging, and which attributes to return. */
export interface ListQuery {
  filter?: Filter;
  startIndex: number;
  count: number;
  attributes: string[];
  excludedAttributes: string[];
}

export type Projection = Pick<ListQuery, "attributes" | "excludedAttributes">;

const invalidValue = (detail: string) => new ScimError(400, detail, "invalidValue");

/** Reads a query from the URL of GET /Users or /Groups; sortBy is ignored, as sorting is not offered. */
export function queryFromUrl(query: URLSearchParams, maxResults: number): ListQuery {
  const text = (name: string) => query.get(name) ?? undefined;
  return readQuery(
    {
      filter: text("filter"),
      startIndex: text("startIndex"),
      count: text("count"),
      attributes: commaList(text("attributes")),
      excludedAttributes: commaList(text("excludedAttributes")),
    },
    maxResults,
  );
}

/** Reads a SearchRequest body (POST …/.search, RFC 7644 §3.4.3). */
export function queryFromSearchRequest(body: unknown, maxResults: number): ListQuery {
  if (!isObject(body)) throw new ScimError(400, "the request body must be a JSON object", "invalidSyntax");
  const list = (name: string) => {
    const value = body[name];
    if (value === undefined || value === null) return [];
    if (typeof value === "string") return commaList(value);
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
    throw invalidValue(`${name} must be a list of attribute names`);
  };
  const filter = body.filter;
  if (filter !== undefined && filter !== null && typeof filter !== "string")
    throw invalidValue("filter must be a string");
  return readQuery(
    {
      filter: filter ?? undefined,
      startIndex: body.startIndex,
      count: body.count,
      attributes: list("attributes"),
      excludedAttributes: list("excludedAttributes"),
    },
    maxResults,
  );
}

function readQuery(
  raw: {
    filter?: string;
    startIndex: unknown;
    count: unknown;
    attributes: string[];
    excludedAttributes: string[];
  },
  maxResults: number,
): ListQuery {
  // RFC 7644 §3.4.2.4: startIndex below 1 means 1; a negative count means 0; more than the maximum is capped.
  const startIndex = Math.max(1, integer("startIndex", raw.startIndex) ?? 1);
  const count = Math.min(maxResults, Math.max(0, integer("count", raw.count) ?? maxResults));
  const filter = raw.filter?.trim() ? parseFilter(raw.filter) : undefined;
  return {
    ...(filter ? { filter } : {}),
    startIndex,
    count,
    attributes: raw.attributes,
    excludedAttributes: raw.excludedAttributes,
  };
}

function integer(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const text = String(value).trim();
  if (!/^-?\d{1,15}$/.test(text)) throw invalidValue(`${name} must be an integer`);
  return Number(text);
}

const commaList = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** A ListResponse holding one page of the (already ordered) matches; integers stay integers (Okta checks). */
export function listResponse(matches: readonly JsonObject[], query: ListQuery, schema: ResourceSchema) {
  const page = matches.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  return {
    schemas: [listResponseSchemaUrn],
    totalResults: matches.length,
    startIndex: query.startIndex,
    itemsPerPage: page.length,
    Resources: page.map((resource) => project(resource, query, schema)),
  };
}

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.9) at attribute or sub-attribute level; `id` and
 * `schemas` are always returned. Names this source does not know select nothing.
 */
export function project(resource: JsonObject, projection: Projection, schema: ResourceSchema): JsonObject {
  if (projection.attributes.length > 0) {
    const kept: JsonObject = { schemas: resource.schemas, id: resource.id };
    for (const path of projection.attributes) copyPath(resource, kept, path, schema);
    return kept;
  }
  if (projection.excludedAttributes.length === 0) return resource;
  const result = structuredClone(resource);
  for (const path of projection.excludedAttributes) removePath(result, path, schema);
  return result;
}

function locate(path: string, schema: ResourceSchema) {
  try {
    return resolveAttribute(schema, path);
  } catch {
    return undefined;
  }
}

function copyPath(from: JsonObject, to: JsonObject, path: string, schema: ResourceSchema): void {
  const location = locate(path, schema);
  if (!location) return;
  const source = location.extension === undefined ? from : from[location.extension];
  if (!isObject(source) || source[location.name] === undefined) return;
  let target = to;
  if (location.extension !== undefined) {
    const existing = to[location.extension];
    target = isObject(existing) ? existing : {};
    to[location.extension] = target;
  }
  const value = source[location.name];
  const sub = location.sub;
  if (sub === undefined) target[location.name] = value;
  else if (Array.isArray(value))
    target[location.name] = value.map((item) => (isObject(item) ? { [sub]: item[sub] } : item));
  else if (isObject(value) && value[sub] !== undefined) {
    const existing = target[location.name];
    target[location.name] = { ...(isObject(existing) ? existing : {}), [sub]: value[sub] };
  }
}

function removePath(resource: JsonObject, path: string, schema: ResourceSchema): void {
  const location = locate(path, schema);
  if (!location || location.name === "id") return;
  const container = location.extension === undefined ? resource : resource[location.extension];
  if (!isObject(container)) return;
  const sub = location.sub;
  if (sub === undefined) delete container[location.name];
  else {
    const value = container[location.name];
    for (const item of Array.isArray(value) ? value : [value]) if (isObject(item)) delete item[sub];
  }
}
