import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { isTimeZone } from "../sources/mapping/instants.ts";
import { mappingSchema } from "../sources/mapping/spec.ts";
import { secretName, uniqueNames } from "./common.ts";

const timeZoneSchema = z
  .string()
  .check(z.refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Berlin"));

/**
 * When a leaving date takes effect. The leaving date HR systems record (BambooHR, HiBob and Personio
 * "termination date") is the last day employed, so a date without a time ends access when that day ends in
 * the employee's time zone ("end-of-day", i.e. 00:00 the next day); "start-of-day" or "HH:MM" when a system
 * records the first day without access, or access must end at a fixed local time.
 */
export const leaverTimingSchema = z.strictObject({
  /** The employees' time zone when the record does not name one (mapping.leaver.timeZone). */
  timeZone: z._default(timeZoneSchema, "UTC"),
  dateOnlyAt: z._default(
    z.union([z.enum(["end-of-day", "start-of-day"]), z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/))]),
    "end-of-day",
  ),
});

const apiBase = {
  requestTimeoutMs: z._default(z.int().check(z.minimum(100), z.maximum(30_000)), 10_000),
};

const common = {
  /** The path segment (POST /webhooks/{name}) and the `source` of every change this source produces. */
  name: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z0-9-]+$/)),
  /** Secrets Manager secrets holding the signing secret(s); more than one while a secret is rotated. */
  secretNames: z.array(secretName).check(z.minLength(1), z.maxLength(5)),
  /** How far a signed timestamp may be from our clock, either way. */
  toleranceSeconds: z._default(z.int().check(z.minimum(1), z.maximum(86_400)), 300),
  /** How long a delivery is remembered to refuse a replay of it (HR systems retry for up to 3 days). */
  replayWindowSeconds: z._default(z.int().check(z.minimum(60), z.maximum(30 * 86_400)), 3 * 86_400),
  /** Entries here override the vendor preset entry by entry; generic sources give the whole mapping. */
  mapping: z.prefault(mappingSchema, {}),
  leavers: z.prefault(leaverTimingSchema, {}),
};

/** BambooHR: HMAC-SHA256 over body + X-BambooHR-Timestamp; event-based (thin) and field-based (fat) payloads. */
export const bambooHrSourceSchema = z.strictObject({
  type: z.literal("bamboohr"),
  ...common,
  /** Needed for event-based webhooks, which carry only ids: the employee is read from the API. */
  api: z.optional(
    z.strictObject({
      /** https://<companyDomain>.bamboohr.com */
      baseUrl: z.url(),
      /** Secret whose value is the API key (sent as Basic auth user, password "x"). */
      apiKeySecretName: secretName,
      /** Field aliases to read; default: the ones the mapping names. */
      fields: z.optional(z.array(z.string().check(z.minLength(1)))),
      ...apiBase,
    }),
  ),
});

/** HiBob webhooks v2: base64 HMAC-SHA512 of the body in Bob-Signature; thin, so the API is required. */
export const hiBobSourceSchema = z.strictObject({
  type: z.literal("hibob"),
  ...common,
  api: z.strictObject({
    baseUrl: z._default(z.url(), "https://api.hibob.com"),
    /** Secret whose value is `<service user id>:<token>` (Basic auth). */
    credentialsSecretName: secretName,
    /** Bob field ids to read (e.g. `work.department`); default: derived from the mapping's paths. */
    fields: z.optional(z.array(z.string().check(z.minLength(1)))),
    ...apiBase,
  }),
});

/**
 * Personio webhooks: no signature; the configured token arrives verbatim in a header (Authorization by
 * default, or one of the custom headers). Thin ("dataless"), so the v2 API is required.
 */
export const personioSourceSchema = z.strictObject({
  type: z.literal("personio"),
  ...common,
  tokenHeader: z._default(z.string().check(z.minLength(1)), "authorization"),
  api: z.strictObject({
    baseUrl: z._default(z.url(), "https://api.personio.de"),
    /** Secret whose value is `<client id>:<client secret>` (OAuth client credentials). */
    credentialsSecretName: secretName,
    ...apiBase,
    /** Full-directory reads (reconciliation): GET /v2/persons page by page, each person's employment read too. */
    directory: z.prefault(
      z.strictObject({
        /** Persons per page; Personio allows 1–50. */
        pageSize: z._default(z.int().check(z.minimum(1), z.maximum(50)), 50),
        /** Employment reads in flight at once (Personio publishes no rate limit; 429s are waited out). */
        concurrency: z._default(z.int().check(z.minimum(1), z.maximum(16)), 4),
      }),
      {},
    ),
  }),
});

/** Any system signing per the Standard Webhooks spec (webhook-id / webhook-timestamp / webhook-signature). */
export const standardWebhooksSourceSchema = z.strictObject({
  type: z.literal("standard-webhooks"),
  ...common,
});

const signedContent = z.string().check(
  z.regex(/^(?:\{(?:body|timestamp|id)\}|[^{}])*$/, "placeholders are {body}, {timestamp} and {id}"),
  z.refine((template) => template.includes("{body}"), "must sign {body}"),
);

/** Any system signing with an HMAC in one header: hex or base64, over the body or timestamp + body. */
export const genericHmacSourceSchema = z.strictObject({
  type: z.literal("generic-hmac"),
  ...common,
  signature: z
    .strictObject({
      header: z.string().check(z.minLength(1)),
      algorithm: z._default(z.enum(["sha256", "sha512", "sha1"]), "sha256"),
      encoding: z._default(z.enum(["hex", "base64"]), "hex"),
      /** Text before the signature in the header, e.g. "sha256=". */
      prefix: z._default(z.string(), ""),
      /** What is signed, e.g. "{body}", "{timestamp}.{body}", "{body}{timestamp}". */
      signedContent: z._default(signedContent, "{body}"),
      timestampHeader: z.optional(z.string().check(z.minLength(1))),
      idHeader: z.optional(z.string().check(z.minLength(1))),
    })
    .check(
      z.refine(
        (signature) => !signature.signedContent.includes("{timestamp}") || signature.timestampHeader,
        "{timestamp} needs timestampHeader",
      ),
      z.refine(
        (signature) => !signature.signedContent.includes("{id}") || signature.idHeader,
        "{id} needs idHeader",
      ),
    ),
});

export const webhookSourceSchema = z.discriminatedUnion("type", [
  bambooHrSourceSchema,
  hiBobSourceSchema,
  personioSourceSchema,
  standardWebhooksSourceSchema,
  genericHmacSourceSchema,
]);
export type WebhookSourceConfig = z.infer<typeof webhookSourceSchema>;
export type WebhookSourceInput = z.input<typeof webhookSourceSchema>;

export const webhookSourcesSchema = z.array(webhookSourceSchema).check(
  z.superRefine((sources, context) => {
    uniqueNames("webhook source")(sources, context);
    sources.forEach((source, index) => {
      const generic = source.type === "standard-webhooks" || source.type === "generic-hmac";
      if (generic && !source.mapping.events)
        context.addIssue({
          code: "custom",
          path: [index, "mapping", "events"],
          message: "a generic source needs mapping.events",
        });
    });
  }),
);
