import { z } from "zod";
import { isPhoneRegion } from "../model/phone.ts";
import { descopeProviderSchema } from "./descope.ts";
import { fileSourcesSchema } from "./file-sources.ts";
import { reconcileSchema } from "./reconcile.ts";
import { roleRulesSchema } from "./role-rules.ts";
import { scimSourcesSchema } from "./scim.ts";
import { webhookSourcesSchema } from "./webhooks.ts";
import { zitadelProviderSchema } from "./zitadel.ts";

export const providerSchema = z.discriminatedUnion("type", [descopeProviderSchema, zitadelProviderSchema]);
export type ProviderConfig = z.infer<typeof providerSchema>;

export const queueSchema = z.strictObject({
  /** Receives before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: z.int().min(1).max(1000).default(8),
  /** Messages per sync invocation (standard queue: up to 10,000 with a batching window). */
  batchSize: z.int().min(1).max(10_000).default(500),
  maxBatchingWindowSeconds: z.int().min(0).max(300).default(2),
  /** Concurrent sync invocations; bounds the request rate at each provider. */
  maxConcurrency: z.int().min(2).max(1000).default(2),
  visibilityTimeoutSeconds: z.int().min(30).max(43_200).default(180),
  /** Backoff of a retried change: up to base × 2^(receives − 1) seconds, jittered, at most max. */
  retryBaseSeconds: z.number().positive().max(900).default(2),
  retryMaxSeconds: z.number().positive().max(43_200).default(900),
});

/**
 * The deprovisioning guard: leavers (deactivations and deletions) planned for one provider within a sliding
 * window are held for an operator once they are more than `maxShare` of its users and at least `minPeople`.
 */
export const deprovisioningGuardSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Share of the provider's users (0..1) that the leavers of one window may reach before they are held. */
  maxShare: z.number().min(0).max(1).default(0.1),
  /** Fewer leavers than this in one window are never held, whatever their share. */
  minPeople: z.int().min(1).default(20),
  /** How far back leavers count, across sync invocations. */
  windowSeconds: z
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(3600),
});
export type DeprovisioningGuardConfig = z.infer<typeof deprovisioningGuardSchema>;

/** The audit trail: every provider outcome with the changes behind it, kept in the state table. */
export const auditSchema = z.strictObject({
  /** Days an entry is kept (DynamoDB's TTL removes it after that; reads skip it from then on too). */
  retentionDays: z.int().min(1).max(3650).default(30),
});

/** Thresholds of the CloudWatch alarms the stack creates. */
export const alarmsSchema = z.strictObject({
  /** Alarm when the oldest change in the queue has waited longer than this. */
  oldestChangeAgeSeconds: z
    .int()
    .min(60)
    .max(14 * 86_400)
    .default(900),
});

export const configSchema = z.strictObject({
  scim: scimSourcesSchema,
  providers: z.array(providerSchema).min(1),
  queue: queueSchema.prefault({}),
  webhooks: webhookSourcesSchema.default([]),
  /** Directory exports (CSV, JSON) that reconciliation reads in full, for systems without a supported API. */
  fileSources: fileSourcesSchema.default([]),
  roleRules: roleRulesSchema.default([]),
  deprovisioningGuard: deprovisioningGuardSchema.prefault({}),
  alarms: alarmsSchema.prefault({}),
  audit: auditSchema.prefault({}),
  /**
   * The region (ISO 3166-1 alpha-2, e.g. "DE") phone numbers written without their +country prefix are
   * read in; providers receive every number in E.164. Unset: such numbers are refused (dead-lettered with
   * the reason), never guessed. A number that is not valid in its region is refused alike.
   */
  phoneDefaultRegion: z
    .string()
    .refine(isPhoneRegion, "must be a region libphonenumber knows, e.g. DE, CH, US")
    .optional(),
  /**
   * Hours a person may wait for data a provider needs to create them (ZITADEL: an e-mail and names)
   * before their changes are dead-lettered. Until then the changes wait in the desired state, unsent.
   */
  incompleteMaxWaitHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  /** Reconciliation against full HR directories (docs/reconcile.md). */
  reconcile: reconcileSchema.prefault({}),
  /** Largest request body ingest accepts. */
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(1024 * 1024),
});
export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Parses configuration, failing with every problem listed rather than the first one. */
export function parseConfig(input: unknown): Config {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid idp-sync configuration:\n${z.prettifyError(parsed.error)}`);
  const names = parsed.data.providers.map((provider) => provider.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate)
    throw new Error(`invalid idp-sync configuration: provider name "${duplicate}" is used twice`);
  return parsed.data;
}
