import { isDeepStrictEqual } from "node:util";
import { ScimError } from "./errors.ts";
import type { Filter } from "./filter.ts";
import { compileItemFilter } from "./filter-match.ts";
import {
  isObject,
  type JsonObject,
  normaliseResource,
  normaliseSingle,
  normaliseValue,
} from "./normalise.ts";
import type { PatchOperation } from "./patch-request.ts";
import { type AttributeDefinition, findDefinition, type ResourceSchema } from "./resource-schemas.ts";

/**
 * Applies PATCH operations in order (RFC 7644 §3.5.2) to a resource in normal form and returns the new
 * resource, leaving the input untouched; any error rejects the whole request. Attributes the schema does not
 * define are patched by their JSON shape, so a client writing an attribute this source drops is not refused.
 */
export function applyPatch(
  resource: JsonObject,
  operations: readonly PatchOperation[],
  schema: ResourceSchema,
) {
  const next = structuredClone(resource);
  for (const operation of operations) applyOperation(next, operation);
  return normaliseResource(next, schema);
}

function applyOperation(resource: JsonObject, operation: PatchOperation): void {
  const { location, filter, text } = operation.path;
  const definition = location.definition;
  if (definition?.mutability === "readOnly" || location.subDefinition?.mutability === "readOnly")
    throw new ScimError(400, `"${text}" is readOnly`, "mutability");
  const removesWhole = operation.op === "remove" && !filter && location.sub === undefined;
  if (removesWhole && definition?.required && operation.value === undefined)
    throw new ScimError(400, `"${text}" is required and cannot be removed`, "mutability");

  const container = containerOf(resource, location.extension, operation.op !== "remove");
  if (!container) return;
  const key = keyOf(container, location.name);
  const current = container[key];
  const value = operation.value;
  const multiValued = definition ? definition.multiValued : Array.isArray(current) || Array.isArray(value);

  if (filter) {
    if (!multiValued)
      throw new ScimError(400, `"${text}": only multi-valued attributes take a filter`, "invalidPath");
    const items = patchItems(asItems(current), operation, filter, definition, location.sub);
    setOrDelete(container, key, items.length > 0 ? items : undefined);
  } else if (location.sub !== undefined) {
    if (multiValued)
      throw new ScimError(
        400,
        `"${text}": select the items with a filter, e.g. emails[type eq "work"].value`,
        "invalidPath",
      );
    patchSubAttribute(container, key, location.sub, location.subDefinition, operation);
  } else if (operation.op === "remove") {
    const remaining =
      multiValued && value !== undefined ? withoutItems(asItems(current), value, definition) : [];
    setOrDelete(container, key, remaining.length > 0 ? remaining : undefined);
  } else if (multiValued) {
    const items = asItems(normaliseValue(definition, value));
    const list = operation.op === "add" ? appendItems(asItems(current), items, definition) : items;
    setOrDelete(container, key, list.length > 0 ? markPrimary(list, items) : undefined);
  } else {
    const normalised = normaliseValue(definition, value);
    // A complex attribute takes the sub-attributes given and keeps the rest, for add and replace alike.
    const merged = isObject(normalised) && isObject(current) ? { ...current, ...normalised } : normalised;
    if (operation.op === "replace" || merged !== undefined) setOrDelete(container, key, merged);
  }
}

function patchSubAttribute(
  container: JsonObject,
  key: string,
  sub: string,
  definition: AttributeDefinition | undefined,
  operation: PatchOperation,
): void {
  const parent = container[key];
  if (operation.op === "remove") {
    if (isObject(parent)) delete parent[keyOf(parent, sub)];
    return;
  }
  const target = isObject(parent) ? parent : {};
  setOrDelete(target, keyOf(target, sub), normaliseValue(definition, operation.value));
  setOrDelete(container, key, Object.keys(target).length > 0 ? target : undefined);
}

/** Add, replace or remove the items (or one sub-attribute of the items) a value filter selects. */
function patchItems(
  items: JsonObject[],
  operation: PatchOperation,
  filter: Filter,
  definition: AttributeDefinition | undefined,
  sub: string | undefined,
): JsonObject[] {
  const matches = compileItemFilter(filter, definition);
  const selected = items.filter(matches);
  const subDefinition = sub === undefined ? undefined : findDefinition(definition?.subAttributes, sub);
  if (operation.op === "remove") {
    if (sub === undefined) return items.filter((item) => !selected.includes(item));
    for (const item of selected) delete item[keyOf(item, sub)];
    return items.filter((item) => Object.keys(item).length > 0);
  }
  const written: JsonObject[] = [];
  const write = (item: JsonObject): JsonObject => {
    if (sub !== undefined) {
      setOrDelete(item, keyOf(item, sub), normaliseValue(subDefinition, operation.value));
      written.push(item);
      return item;
    }
    const value = normaliseSingle(definition, operation.value);
    if (!isObject(value))
      throw new ScimError(400, `"${operation.path.text}" needs an object value`, "invalidValue");
    const next = operation.op === "add" ? { ...item, ...value } : value;
    written.push(next);
    return next;
  };
  let result = items.map((item) => (selected.includes(item) ? write(item) : item));
  if (selected.length === 0) {
    // RFC 7644 answers noTarget here; Entra sets emails[type eq "work"].value on users without a work
    // address, so the item the filter describes is created instead.
    const seed = itemFromFilter(filter, definition);
    if (!seed) throw new ScimError(400, `no value matches "${operation.path.text}"`, "noTarget");
    result = [...result, write(seed)];
  }
  return markPrimary(
    result.filter((item) => Object.keys(item).length > 0),
    written,
  );
}

/** The item an `eq`-only filter describes (`type eq "work"` → { type: "work" }), or undefined. */
function itemFromFilter(filter: Filter, definition: AttributeDefinition | undefined): JsonObject | undefined {
  if (filter.kind === "logical" && filter.operator === "and") {
    const left = itemFromFilter(filter.left, definition);
    const right = itemFromFilter(filter.right, definition);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.kind !== "compare" || filter.operator !== "eq" || filter.literal.value === null)
    return undefined;
  const subDefinition = findDefinition(definition?.subAttributes, filter.attribute);
  return { [subDefinition?.name ?? filter.attribute]: normaliseSingle(subDefinition, filter.literal.value) };
}

/** Appends the items not already present (RFC 7644 §3.5.2.1: no change for a value already there). */
function appendItems(list: JsonObject[], items: JsonObject[], definition: AttributeDefinition | undefined) {
  const result = [...list];
  for (const item of items)
    if (!result.some((existing) => sameItem(existing, item, definition))) result.push(item);
  return result;
}

/** Removes the given items (Entra's `remove members` with a value list), matched as `sameItem`. */
function withoutItems(list: JsonObject[], value: unknown, definition: AttributeDefinition | undefined) {
  const removed = asItems(normaliseValue(definition, value));
  return list.filter((item) => !removed.some((gone) => sameItem(item, gone, definition)));
}

/**
 * Items are the same when equal, or — where `value` is immutable, as for group members — when their values
 * are equal: { value: "u1" } removes { value: "u1", display: "Ann" }.
 */
function sameItem(a: JsonObject, b: JsonObject, definition: AttributeDefinition | undefined): boolean {
  const valueDefinition = findDefinition(definition?.subAttributes, "value");
  const identifiedByValue = valueDefinition?.mutability === "immutable" || !definition;
  if (identifiedByValue && a.value !== undefined && b.value !== undefined) return a.value === b.value;
  return isDeepStrictEqual(a, b);
}

/** RFC 7644 §3.5.2: writing primary=true to one item sets it to false on every other. */
function markPrimary(list: JsonObject[], written: readonly JsonObject[]): JsonObject[] {
  const primary = written.find((item) => item.primary === true);
  if (!primary) return list;
  return list.map((item) => (item !== primary && item.primary === true ? { ...item, primary: false } : item));
}

function containerOf(
  resource: JsonObject,
  extension: string | undefined,
  create: boolean,
): JsonObject | undefined {
  if (extension === undefined) return resource;
  const key = keyOf(resource, extension);
  const existing = resource[key];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const created: JsonObject = {};
  resource[key] = created;
  return created;
}

/** The key an object already uses for `name` (in any case), else `name`. */
function keyOf(object: JsonObject, name: string): string {
  if (name in object) return name;
  return Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
}

function setOrDelete(object: JsonObject, key: string, value: unknown): void {
  if (value === undefined) delete object[key];
  else object[key] = value;
}

const asItems = (value: unknown): JsonObject[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((item) =>
    isObject(item) ? { ...item } : { value: item },
  );
