import * as z from "zod/mini";
import "../../model/schema-messages.ts";
import { JsonPathError, parseJsonPath } from "./json-path.ts";

/** A JSONPath in the supported subset (see json-path.ts), checked when the configuration is parsed. */
export const jsonPathSchema = z.string().check(
  z.minLength(1),
  z.maxLength(512),
  z.superRefine((path, context) => {
    try {
      parseJsonPath(path);
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error;
      context.addIssue({ code: "custom", message: error.message });
    }
  }),
);

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

/**
 * Small, composable steps applied in order. String steps map over lists element by element.
 * `dateToActive` reads a leaving date and answers whether the person is still active now, using the
 * source's leaver timing (time zone, time of day for date-only values).
 */
export const transformSchema = z.union([
  z.enum(["lower", "upper", "trim", "first", "string", "number", "boolean", "dateToActive"]),
  z.strictObject({ split: z.string().check(z.minLength(1)) }),
  z.strictObject({ join: z.string() }),
  /** Replaces a value by its entry; values without one become `default` when given, else stay as they are. */
  z.strictObject({ lookup: z.record(z.string(), jsonValue), default: z.optional(jsonValue) }),
]);
export type Transform = z.infer<typeof transformSchema>;

const templateSchema = z.string().check(
  z.minLength(1),
  z.maxLength(1024),
  z.superRefine((template, context) => {
    for (const [, path] of template.matchAll(/\{([^{}]+)\}/g)) {
      const parsed = jsonPathSchema.safeParse(path);
      if (!parsed.success) context.addIssue({ code: "custom", message: `bad path {${path}} in template` });
    }
  }),
);

/**
 * Where a value comes from: a path (shorthand string), the first of several paths that is present, a
 * template such as `"{$.firstName} {$.lastName}"` (absent when any placeholder is), or a constant.
 */
export const valueSpecSchema = z.union([
  jsonPathSchema,
  z
    .strictObject({
      path: z.optional(
        z.union([jsonPathSchema, z.array(jsonPathSchema).check(z.minLength(1), z.maxLength(10))]),
      ),
      template: z.optional(templateSchema),
      value: z.optional(jsonValue),
      transforms: z._default(z.array(transformSchema).check(z.maxLength(20)), []),
    })
    .check(
      z.refine(
        (spec) => [spec.path, spec.template, spec.value].filter((part) => part !== undefined).length === 1,
        "give exactly one of path, template or value",
      ),
    ),
]);
export type ValueSpec = z.infer<typeof valueSpecSchema>;

/**
 * What an HR event means for the person:
 * - hire: create (upsert of the mapped attributes, active unless mapped otherwise);
 * - update: patch of the mapped attributes present in the event;
 * - terminate: deactivate when the leaving date takes effect (now, or held until then);
 * - rehire: reactivate (and patch the mapped attributes);
 * - delete: the person is gone from the HR system; each provider's leaver policy applies;
 * - refresh: a thin event carrying ids only; the sync step fetches the current record from the HR API;
 * - ignore: nothing to do (answered 202 with the reason logged, so the HR system does not retry).
 */
export const eventActionSchema = z.enum([
  "hire",
  "update",
  "terminate",
  "rehire",
  "delete",
  "refresh",
  "ignore",
]);
export type EventAction = z.infer<typeof eventActionSchema>;

/** How to read events out of one payload shape. The first format whose `match` path is present applies. */
export const eventFormatSchema = z.strictObject({
  /** A path that must be present for this format to apply (absent: always applies). */
  match: z.optional(jsonPathSchema),
  /** Several events in one payload, e.g. `$.employees[*]`; every other spec is then read per item. */
  items: z.optional(jsonPathSchema),
  /** The event type, looked up in `actions`. */
  type: z.optional(valueSpecSchema),
  actions: z._default(z.record(z.string(), eventActionSchema), {}),
  /** The action for a type not listed in `actions` (or when there is no type). */
  otherwise: z._default(eventActionSchema, "ignore"),
  /** The person key: the HR system's immutable employee id. */
  person: valueSpecSchema,
  /** When the event happened at the source; orders changes (receipt time when absent). */
  at: z.optional(valueSpecSchema),
  /** The vendor's event id: makes the change ids deterministic, so a re-delivered event merges idempotently. */
  id: z.optional(valueSpecSchema),
  /** Where the employee's fields are (default: the event itself). */
  record: z.optional(jsonPathSchema),
});
export type EventFormat = z.infer<typeof eventFormatSchema>;

/** Canonical attributes a mapping may set; tenants and extra roles come from role rules. */
export const mappedAttributeSchema = z.enum([
  "loginId",
  "email",
  "emailVerified",
  "phone",
  "phoneVerified",
  "givenName",
  "middleName",
  "familyName",
  "displayName",
  "picture",
  "title",
  "department",
  "employeeNumber",
  "costCenter",
  "manager",
  "active",
  "roles",
]);
export type MappedAttribute = z.infer<typeof mappedAttributeSchema>;

/** The leaving date, with an optional time of day and the employee's time zone. */
export const leaverSpecSchema = z.strictObject({
  date: valueSpecSchema,
  time: z.optional(valueSpecSchema),
  timeZone: z.optional(valueSpecSchema),
});

/**
 * A declarative mapping from an HR payload (or HR API record) to canonical attributes. For vendor sources it
 * overrides the built-in preset entry by entry (null removes a preset entry); a generic source gives it whole.
 */
export const mappingSchema = z.strictObject({
  events: z.optional(z.array(eventFormatSchema).check(z.minLength(1), z.maxLength(10))),
  attributes: z._default(z.partialRecord(mappedAttributeSchema, z.nullable(valueSpecSchema)), {}),
  customAttributes: z._default(
    z.record(z.string().check(z.minLength(1), z.maxLength(64)), z.nullable(valueSpecSchema)),
    {},
  ),
  leaver: z.optional(z.nullable(leaverSpecSchema)),
});
export type Mapping = z.infer<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;
