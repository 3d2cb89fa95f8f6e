import { type ChangeAttributes, changeAttributesSchema } from "../../model/change.ts";
import type { CustomAttributeValue } from "../../model/user.ts";
import { type DateOnlyAt, effectiveInstant, isTimeZone } from "./instants.ts";
import { type JsonPath, parseJsonPath, select } from "./json-path.ts";
import type { MappedAttribute, Mapping, Transform, ValueSpec } from "./spec.ts";

/** When a leaving date takes effect, unless the record names the employee's own time zone. */
export interface LeaverTiming {
  timeZone: string;
  dateOnlyAt: DateOnlyAt;
}

export interface MappingContext {
  /** Epoch ms; `dateToActive` and leaving dates compare against it. */
  now: number;
  timing: LeaverTiming;
}

const paths = new Map<string, JsonPath>();
function compiled(path: string): JsonPath {
  let parsed = paths.get(path);
  if (!parsed) {
    parsed = parseJsonPath(path);
    paths.set(path, parsed);
  }
  return parsed;
}

/** Reads a path; undefined when absent. Paths are validated with the configuration, so parsing cannot fail. */
export const readPath = (document: unknown, path: string): unknown => select(document, compiled(path));

/** The value a spec yields from `document`: undefined when absent, null when present but empty. */
export function evaluate(spec: ValueSpec, document: unknown, context: MappingContext): unknown {
  if (typeof spec === "string") return emptyToNull(readPath(document, spec));
  let value: unknown;
  if (spec.value !== undefined) value = spec.value;
  else if (spec.template !== undefined) value = fillTemplate(spec.template, document);
  else {
    const candidates = Array.isArray(spec.path) ? spec.path : [spec.path ?? "$"];
    for (const path of candidates) {
      value = readPath(document, path);
      if (value !== undefined) break;
    }
  }
  if (value === undefined) return undefined;
  return spec.transforms.reduce(
    (current, step) => applyTransform(step, current, context),
    emptyToNull(value),
  );
}

/** HR systems say "no value" as "" (BambooHR) or null; both mean "remove" downstream. */
const emptyToNull = (value: unknown) => (value === "" ? null : value);

function fillTemplate(template: string, document: unknown): string | undefined {
  let missing = false;
  const text = template.replace(/\{([^{}]+)\}/g, (_, path: string) => {
    const value = readPath(document, path);
    if (value === undefined || value === null || value === "") missing = true;
    return Array.isArray(value) ? value.join(",") : String(value);
  });
  return missing ? undefined : text;
}

function applyTransform(step: Transform, value: unknown, context: MappingContext): unknown {
  if (step === "dateToActive") {
    const effective = effectiveInstant(value, undefined, context.timing.timeZone, context.timing.dateOnlyAt);
    return effective === undefined || effective > context.now;
  }
  if (value === null) return null;
  if (step === "first") return Array.isArray(value) ? emptyToNull(value[0]) : value;
  if (typeof step === "object" && "join" in step)
    return Array.isArray(value) ? value.map(String).join(step.join) : value;
  if (Array.isArray(value)) return value.map((item) => applyTransform(step, item, context));
  if (typeof step === "object") {
    if ("split" in step)
      return typeof value === "string" ? value.split(step.split).filter((part) => part.length > 0) : value;
    const key = String(value);
    if (Object.hasOwn(step.lookup, key)) return step.lookup[key];
    return step.default === undefined ? value : step.default;
  }
  switch (step) {
    case "lower":
      return typeof value === "string" ? value.toLowerCase() : value;
    case "upper":
      return typeof value === "string" ? value.toUpperCase() : value;
    case "trim":
      return typeof value === "string" ? emptyToNull(value.trim()) : value;
    case "string":
      return typeof value === "object" ? value : String(value);
    case "number": {
      const number = typeof value === "number" ? value : Number(String(value).trim());
      return Number.isFinite(number) ? number : null;
    }
    case "boolean":
      return readBoolean(value) ?? null;
  }
}

function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (["true", "yes", "1", "y"].includes(text)) return true;
  if (["false", "no", "0", "n"].includes(text)) return false;
  return undefined;
}

const booleanAttributes = new Set<MappedAttribute>(["active", "emailVerified", "phoneVerified"]);

/** Brings a mapped value into the attribute's type where that is unambiguous (ids as numbers, "true"). */
function coerce(name: MappedAttribute, value: unknown): unknown {
  if (value === null) return null;
  if (booleanAttributes.has(name)) return readBoolean(value) ?? value;
  if (name === "roles") {
    if (typeof value === "string") return [value];
    return Array.isArray(value) ? value.filter((role) => role !== null && role !== "").map(String) : value;
  }
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

function customValue(value: unknown): CustomAttributeValue | null | undefined {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(String);
  return undefined;
}

export interface MappedRecord {
  attributes: ChangeAttributes;
  /** Mapped values that did not fit their attribute, for the log; the rest of the record still applies. */
  problems: string[];
}

/** Applies the attribute and custom-attribute entries of a mapping to one employee record. */
export function mapRecord(record: unknown, mapping: Mapping, sourceContext: MappingContext): MappedRecord {
  const context = { ...sourceContext, timing: recordTiming(record, mapping, sourceContext) };
  const attributes: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(mapping.attributes) as [MappedAttribute, ValueSpec | null][]) {
    if (spec === null) continue;
    const value = evaluate(spec, record, context);
    if (value === undefined) continue;
    const coerced = coerce(name, value);
    const checked = changeAttributesSchema.shape[name].safeParse(coerced);
    if (checked.success) attributes[name] = checked.data;
    else problems.push(`${name}: ${checked.error.issues[0]?.message ?? "invalid"}`);
  }
  const custom: Record<string, CustomAttributeValue | null> = {};
  for (const [key, spec] of Object.entries(mapping.customAttributes)) {
    if (spec === null) continue;
    const value = evaluate(spec, record, context);
    if (value === undefined) continue;
    const converted = customValue(value);
    if (converted === undefined) problems.push(`customAttributes.${key}: not a string, number or boolean`);
    else custom[key] = converted;
  }
  if (Object.keys(custom).length > 0) attributes.customAttributes = custom;
  return { attributes: attributes as ChangeAttributes, problems };
}

/** What a record says about leaving: nothing, a leaving date that was removed, or when it takes effect. */
export type LeaverState = { state: "absent" } | { state: "cleared" } | { state: "set"; effective: number };

export function readLeaver(record: unknown, mapping: Mapping, context: MappingContext): LeaverState {
  const spec = mapping.leaver;
  if (!spec) return { state: "absent" };
  const date = evaluate(spec.date, record, context);
  if (date === undefined) return { state: "absent" };
  const time = spec.time === undefined ? undefined : evaluate(spec.time, record, context);
  const timing = recordTiming(record, mapping, context);
  const effective = effectiveInstant(date, time, timing.timeZone, timing.dateOnlyAt);
  return effective === undefined ? { state: "cleared" } : { state: "set", effective };
}

/** The source's timing, with the record's own time zone when the mapping names one and it is valid. */
export function recordTiming(record: unknown, mapping: Mapping, context: MappingContext): LeaverTiming {
  const zoneSpec = mapping.leaver?.timeZone;
  const zone = zoneSpec === undefined ? undefined : evaluate(zoneSpec, record, context);
  return typeof zone === "string" && isTimeZone(zone)
    ? { ...context.timing, timeZone: zone }
    : context.timing;
}

/** Every path the record-reading part of a mapping uses: tells an HR API which fields to return. */
export function recordPaths(mapping: Mapping): JsonPath[] {
  const specs: (ValueSpec | null | undefined)[] = [
    ...Object.values(mapping.attributes),
    ...Object.values(mapping.customAttributes),
    mapping.leaver?.date,
    mapping.leaver?.time,
    mapping.leaver?.timeZone,
  ];
  const texts = specs.flatMap((spec): string[] => {
    if (spec === null || spec === undefined) return [];
    if (typeof spec === "string") return [spec];
    if (spec.template !== undefined)
      return [...spec.template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? "");
    if (spec.path === undefined) return [];
    return Array.isArray(spec.path) ? spec.path : [spec.path];
  });
  return [...new Set(texts)].map(compiled);
}
