import { ScimError } from "./errors.ts";
import type { CompareOperator, Filter, FilterLiteral } from "./filter.ts";
import { isObject, type JsonObject } from "./normalise.ts";
import {
  type AttributeDefinition,
  findDefinition,
  type ResourceSchema,
  resolveAttribute,
} from "./resource-schemas.ts";

export type Predicate = (item: JsonObject) => boolean;

const invalid = (detail: string) => new ScimError(400, detail, "invalidFilter");

/**
 * Compiles a filter over whole resources. An attribute the schema does not define is refused with
 * invalidFilter rather than treated as absent: answering "no such user" to a filter we cannot evaluate would
 * make a client create a duplicate.
 */
export function compileResourceFilter(filter: Filter, schema: ResourceSchema): Predicate {
  return compile(filter, (text) => {
    // `schemas` is no attribute of a schema, yet RFC 7644 §3.4.2.2 filters on it (which extensions a resource has).
    if (text.toLowerCase() === "schemas")
      return { definition: genericDefinition("schemas"), read: (resource) => resource.schemas };
    const location = resolveIn(schema, text);
    const definition = location.definition;
    if (!definition) throw invalid(`"${text}" is not an attribute this service provider supports`);
    if (location.sub !== undefined && !location.subDefinition)
      throw invalid(`"${text}" is not an attribute this service provider supports`);
    return {
      definition,
      read: (resource) => {
        const container = location.extension === undefined ? resource : resource[location.extension];
        return isObject(container) ? container[definition.name] : undefined;
      },
      ...(location.sub === undefined ? {} : { sub: location.subDefinition as AttributeDefinition }),
    };
  });
}

function resolveIn(schema: ResourceSchema, text: string) {
  try {
    return resolveAttribute(schema, text);
  } catch (error) {
    throw error instanceof ScimError ? invalid(error.message) : error;
  }
}

/**
 * Compiles the filter of a value path (`emails[type eq "work"]`) over the items of one multi-valued
 * attribute. Without a definition (an attribute this source drops) names match case-insensitively as sent.
 */
export function compileItemFilter(filter: Filter, attribute: AttributeDefinition | undefined): Predicate {
  return compile(filter, (text) => {
    if (text.includes(".") || text.includes(":")) throw invalid(`"${text}" must name a sub-attribute`);
    const definition = findDefinition(attribute?.subAttributes, text);
    if (attribute && !definition) throw invalid(`"${attribute.name}" has no sub-attribute "${text}"`);
    return {
      definition: definition ?? genericDefinition(text),
      read: (item) => {
        const key = Object.keys(item).find((name) => name.toLowerCase() === text.toLowerCase());
        return key === undefined ? undefined : item[key];
      },
    };
  });
}

interface Operand {
  definition: AttributeDefinition;
  read: (item: JsonObject) => unknown;
  /** The sub-attribute compared (name.familyName); absent compares the attribute (or its `value`). */
  sub?: AttributeDefinition;
}

function compile(filter: Filter, resolve: (text: string) => Operand): Predicate {
  switch (filter.kind) {
    case "logical": {
      const left = compile(filter.left, resolve);
      const right = compile(filter.right, resolve);
      return filter.operator === "and"
        ? (item) => left(item) && right(item)
        : (item) => left(item) || right(item);
    }
    case "not": {
      const inner = compile(filter.filter, resolve);
      return (item) => !inner(item);
    }
    case "valuePath": {
      const operand = resolve(filter.attribute);
      if (operand.sub || operand.definition.type !== "complex")
        throw invalid(`"${filter.attribute}" is not a complex attribute, so it takes no value filter`);
      const inner = compileItemFilter(filter.filter, operand.definition);
      return (item) => asList(operand.read(item)).some((value) => isObject(value) && inner(value));
    }
    case "present": {
      const operand = resolve(filter.attribute);
      return (item) => values(operand, item).some(isPresent);
    }
    case "compare": {
      const operand = resolve(filter.attribute);
      const definition = comparedDefinition(operand);
      const test = comparison(filter.operator, filter.literal, definition);
      return (item) => {
        const found = values(operand, item).filter(isPresent);
        return filter.operator === "ne" ? !found.some(test) : found.some(test);
      };
    }
  }
}

const genericDefinition = (name: string): AttributeDefinition => ({
  name,
  type: "string",
  multiValued: false,
  description: "",
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
});

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** The values an operand stands for: every item of a multi-valued attribute, a complex one's `value`. */
function values(operand: Operand, item: JsonObject): unknown[] {
  const sub = operand.sub?.name ?? (operand.definition.type === "complex" ? "value" : undefined);
  const raw = asList(operand.read(item));
  return sub === undefined ? raw : raw.map((entry) => (isObject(entry) ? entry[sub] : undefined));
}

function comparedDefinition(operand: Operand): AttributeDefinition {
  if (operand.sub) return operand.sub;
  if (operand.definition.type !== "complex") return operand.definition;
  return findDefinition(operand.definition.subAttributes, "value") ?? genericDefinition("value");
}

const isPresent = (value: unknown) =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

function comparison(
  operator: CompareOperator,
  literal: FilterLiteral,
  definition: AttributeDefinition,
): (value: unknown) => boolean {
  const fold = (text: string) => (definition.caseExact ? text : text.toLowerCase());
  if (
    definition.type === "dateTime" &&
    (typeof literal.value !== "string" || dateTime(literal.text) === undefined)
  )
    throw invalid(`"${literal.text}" is not a dateTime such as "2011-05-13T04:42:34Z"`);
  if (operator === "eq" || operator === "ne") return (value) => equals(value, literal, definition, fold);
  if (operator === "co" || operator === "sw" || operator === "ew") {
    if (literal.value === null || typeof literal.value === "boolean" || definition.type === "boolean")
      throw invalid(`"${operator}" compares strings only`);
    const wanted = fold(literal.text);
    const test = {
      co: (text: string) => text.includes(wanted),
      sw: (text: string) => text.startsWith(wanted),
      ew: (text: string) => text.endsWith(wanted),
    }[operator];
    return (value) => typeof value === "string" && test(fold(value));
  }
  if (definition.type === "boolean" || typeof literal.value === "boolean" || literal.value === null)
    throw invalid(`"${operator}" cannot order booleans or null`);
  const sign = (order: number) =>
    ({ gt: order > 0, ge: order >= 0, lt: order < 0, le: order <= 0 })[operator as "gt" | "ge" | "lt" | "le"];
  return (value) => {
    if (typeof value !== "string") return false;
    if (definition.type === "dateTime") {
      const left = dateTime(value);
      return left !== undefined && sign(left - (dateTime(literal.text) as number));
    }
    const left = fold(value);
    const right = fold(literal.text);
    return sign(left < right ? -1 : left > right ? 1 : 0);
  };
}

function equals(
  value: unknown,
  literal: FilterLiteral,
  definition: AttributeDefinition,
  fold: (text: string) => string,
): boolean {
  if (literal.value === null) return false;
  if (typeof value === "boolean") {
    const wanted = typeof literal.value === "boolean" ? literal.value : literal.text.toLowerCase();
    return value === wanted || String(value) === wanted;
  }
  if (typeof value !== "string") return false;
  if (definition.type === "dateTime") return dateTime(value) === dateTime(literal.text);
  return fold(value) === fold(literal.text);
}

/** An xsd:dateTime (RFC 7643 §2.3.5) as epoch ms; without a zone it is UTC. Undefined for anything else. */
function dateTime(text: string): number | undefined {
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(match[1] === undefined ? `${text}Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}
