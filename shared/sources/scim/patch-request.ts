import { ScimError } from "./errors.ts";
import { isObject, type JsonObject } from "./normalise.ts";
import { type PatchPath, parsePatchPath } from "./patch-path.ts";
import { extensionForKey, type ResourceSchema, resolveAttribute } from "./resource-schemas.ts";

export const patchOpSchemaUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

export type PatchOperation =
  | { op: "add" | "replace"; path: PatchPath; value: unknown }
  | { op: "remove"; path: PatchPath; value?: unknown };

const maxOperations = 1000;
const invalidSyntax = (detail: string) => new ScimError(400, detail, "invalidSyntax");

/**
 * Reads a PatchOp body into operations that each carry a path. Names and `op` values are case-insensitive
 * (Entra sends "Operations"/"Replace"). An operation without a path is the RFC's "value is a set of
 * attributes": it becomes one operation per attribute, where a key may itself be a path — Entra's
 * "name.givenName" or "urn:…:enterprise:2.0:User:employeeNumber" — and readOnly attributes in it (Okta
 * sends `id` when it renames a group) are ignored.
 */
export function parsePatchRequest(body: unknown, schema: ResourceSchema): PatchOperation[] {
  if (!isObject(body)) throw invalidSyntax("the request body must be a JSON object");
  const schemas = field(body, "schemas");
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(patchOpSchemaUrn)))
    throw invalidSyntax(`schemas must be ["${patchOpSchemaUrn}"]`);
  const operations = field(body, "Operations");
  if (!Array.isArray(operations) || operations.length === 0)
    throw invalidSyntax("Operations must be a non-empty array");
  if (operations.length > maxOperations)
    throw invalidSyntax(`at most ${maxOperations} Operations per request`);
  return operations.flatMap((operation, index) => readOperation(operation, index, schema));
}

function readOperation(raw: unknown, index: number, schema: ResourceSchema): PatchOperation[] {
  if (!isObject(raw)) throw invalidSyntax(`Operations[${index}] must be an object`);
  const opField = field(raw, "op");
  const op = typeof opField === "string" ? opField.toLowerCase() : "";
  if (op !== "add" && op !== "remove" && op !== "replace")
    throw invalidSyntax(`Operations[${index}].op must be "add", "remove" or "replace"`);
  const path = field(raw, "path");
  const value = field(raw, "value");
  if (path !== undefined && path !== null && typeof path !== "string")
    throw invalidSyntax(`Operations[${index}].path must be a string`);

  if (typeof path === "string" && path.trim() !== "") {
    const parsed = parsePatchPath(path, schema);
    if (op === "remove") return [{ op, path: parsed, ...(value === undefined ? {} : { value }) }];
    if (value === undefined)
      throw new ScimError(400, `Operations[${index}] (${op} ${path}) has no value`, "invalidValue");
    return [{ op, path: parsed, value }];
  }
  if (op === "remove") throw new ScimError(400, `Operations[${index}]: remove needs a path`, "noTarget");
  if (!isObject(value))
    throw new ScimError(400, `Operations[${index}]: without a path, value must be an object`, "invalidValue");
  return attributeEntries(value, schema).map(([key, item]) => ({
    op,
    path: parsePatchPath(key, schema),
    value: item,
  }));
}

/** The entries of a path-less value as (path, value), with extension objects opened up. */
function attributeEntries(value: JsonObject, schema: ResourceSchema): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const extension = extensionForKey(schema, key);
    if (extension && isObject(item)) {
      for (const [name, inner] of Object.entries(item)) entries.push([`${extension.id}:${name}`, inner]);
    } else if (key !== "schemas" && resolveAttribute(schema, key).definition?.mutability !== "readOnly") {
      entries.push([key, item]);
    }
  }
  return entries;
}

/** A member of a JSON object whose name matches case-insensitively. */
function field(object: JsonObject, name: string): unknown {
  if (name in object) return object[name];
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}
