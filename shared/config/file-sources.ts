import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { jsonPathSchema, mappingSchema, valueSpecSchema } from "../sources/mapping/spec.ts";
import { uniqueNames } from "./common.ts";
import { leaverTimingSchema } from "./webhooks.ts";

/**
 * A directory export of any HR system (CSV or JSON), read in full by reconciliation with a declarative
 * mapping: each CSV row (keyed by the header's column names) or JSON record is one person's record.
 */
export const fileSourceSchema = z.strictObject({
  /**
   * The `source` of every change it produces. Give the name of the webhook source whose people the file
   * lists (e.g. "acme-hr") so both match the same person keys; any other name makes a source of its own.
   */
  name: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z0-9-]+$/)),
  format: z.enum(["csv", "json"]),
  /** CSV: the field separator. The first row names the columns. */
  delimiter: z._default(z.string().check(z.length(1)), ","),
  /** JSON: where the list of records is (default: the document itself is the list), e.g. `$.employees`. */
  records: z.optional(jsonPathSchema),
  /** The person key in a record: the HR system's immutable employee id, e.g. `$['Employee ID']`. */
  person: valueSpecSchema,
  /** Attributes, custom attributes and the leaving date, read from each record as a webhook mapping does. */
  mapping: z.omit(mappingSchema, { events: true }),
  leavers: z.prefault(leaverTimingSchema, {}),
  /** Records per page: a read that stops at its deadline resumes at the next page. */
  pageSize: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 1000),
});
export type FileSourceConfig = z.infer<typeof fileSourceSchema>;
export type FileSourceInput = z.input<typeof fileSourceSchema>;

export const fileSourcesSchema = z.array(fileSourceSchema).check(z.superRefine(uniqueNames("file source")));
