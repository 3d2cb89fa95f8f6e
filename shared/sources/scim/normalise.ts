import { ScimError } from "./errors.ts";
import {
  type AttributeDefinition,
  extensionForKey,
  findDefinition,
  type ResourceSchema,
  topLevelDefinition,
} from "./resource-schemas.ts";

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Brings a resource as a client wrote it into the one shape the rest of the code reads, as RFC 7643 allows
 * and real clients need: attribute names and schema URNs in their defined case (Entra sends "Department",
 * "Manager": {"Value": …}); booleans sent as "True"/"False"; null, [] and {} as "unassigned" (RFC 7643 §2.5);
 * a one-element array for a single-valued attribute and a bare value for a complex one (Entra's manager).
 * Attributes the schema does not define pass through unchanged; the mapping ignores them.
 */
export function normaliseResource(body: unknown, schema: ResourceSchema): JsonObject {
  if (!isObject(body)) throw new ScimError(400, "the request body must be a JSON object", "invalidSyntax");
  const resource: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    const extension = extensionForKey(schema, key);
    if (key === "schemas") resource.schemas = value;
    else if (extension) {
      const normalised = isObject(value) ? normaliseMembers(value, extension.attributes) : value;
      if (isAssigned(normalised)) resource[extension.id] = normalised;
    } else {
      const definition = topLevelDefinition(schema, key);
      const normalised = normaliseValue(definition, value);
      if (normalised !== undefined) resource[definition?.name ?? key] = normalised;
    }
  }
  return resource;
}

/** One attribute's value, shaped by its definition; undefined when the value leaves it unassigned. */
export function normaliseValue(definition: AttributeDefinition | undefined, value: unknown): unknown {
  if (!definition) return isAssigned(value) ? value : undefined;
  if (definition.multiValued) {
    const items = (Array.isArray(value) ? value : [value])
      .map((item) => normaliseSingle(definition, item))
      .filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length > 1) return value; // not single: left for validation to refuse
    return normaliseSingle(definition, value[0]);
  }
  return normaliseSingle(definition, value);
}

/** One value (one item of a multi-valued attribute), shaped by the attribute's definition. */
export function normaliseSingle(definition: AttributeDefinition | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (!definition) return isAssigned(value) ? value : undefined;
  if (definition.type === "complex") {
    if (isObject(value)) {
      const members = normaliseMembers(value, definition.subAttributes ?? []);
      return Object.keys(members).length > 0 ? members : undefined;
    }
    const valueDefinition = findDefinition(definition.subAttributes, "value");
    return valueDefinition && !Array.isArray(value)
      ? { value: normaliseSingle(valueDefinition, value) }
      : value;
  }
  if (definition.type === "boolean" && typeof value === "string") {
    const text = value.trim().toLowerCase();
    return text === "true" ? true : text === "false" ? false : value;
  }
  if (typeof value === "number" && Number.isFinite(value) && definition.type !== "boolean")
    return String(value);
  return value;
}

function normaliseMembers(value: JsonObject, definitions: readonly AttributeDefinition[]): JsonObject {
  const members: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const definition = findDefinition(definitions, key);
    const normalised = normaliseValue(definition, item);
    if (normalised !== undefined) members[definition?.name ?? key] = normalised;
  }
  return members;
}

function isAssigned(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}
