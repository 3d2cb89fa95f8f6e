import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { isPhoneRegion, type PhoneRegion } from "../model/phone.ts";
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
  maxReceiveCount: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 8),
  /** Messages per sync invocation (standard queue: up to 10,000 with a batching window). */
  batchSize: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 500),
  maxBatchingWindowSeconds: z._default(z.int().check(z.minimum(0), z.maximum(300)), 2),
  /**
   * Concurrent sync invocations; each paces itself to its share of every provider's rate limit. Unset, it
   * is derived from those limits (see sync-capacity.ts): as many as can each still send a full batch
   * within one invocation.
   */
  maxConcurrency: z.optional(z.int().check(z.minimum(2), z.maximum(1000))),
  /**
   * Also reserve that many concurrent executions for sync in the account: capacity other functions cannot
   * take, and a hard cap. Off by default: reserving fails on accounts whose unreserved concurrency would
   * drop below Lambda's minimum (new accounts).
   */
  reserveConcurrency: z._default(z.boolean(), false),
  visibilityTimeoutSeconds: z._default(z.int().check(z.minimum(30), z.maximum(43_200)), 180),
  /** Backoff of a retried change: up to base × 2^(receives − 1) seconds, jittered, at most max. */
  retryBaseSeconds: z._default(z.number().check(z.positive(), z.maximum(900)), 2),
  retryMaxSeconds: z._default(z.number().check(z.positive(), z.maximum(43_200)), 900),
});

/**
 * The deprovisioning guard: leavers (deactivations and deletions) planned for one provider within a sliding
 * window are held for an operator once they are more than `maxShare` of its users and at least `minPeople`.
 */
export const deprovisioningGuardSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  /** Share of the provider's users (0..1) that the leavers of one window may reach before they are held. */
  maxShare: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.1),
  /** Fewer leavers than this in one window are never held, whatever their share. */
  minPeople: z._default(z.int().check(z.minimum(1)), 20),
  /** How far back leavers count, across sync invocations. */
  windowSeconds: z._default(z.int().check(z.minimum(60), z.maximum(7 * 86_400)), 3600),
});
export type DeprovisioningGuardConfig = z.infer<typeof deprovisioningGuardSchema>;

/** The audit trail: every provider outcome with the changes behind it, kept in the state table. */
export const auditSchema = z.strictObject({
  /** Days an entry is kept (DynamoDB's TTL removes it after that; reads skip it from then on too). */
  retentionDays: z._default(z.int().check(z.minimum(1), z.maximum(3650)), 30),
});

/** Thresholds and actions of the CloudWatch alarms the stack creates. */
export const alarmsSchema = z
  .strictObject({
    /** Alarm when the oldest change in the queue has waited longer than this. */
    oldestChangeAgeSeconds: z._default(z.int().check(z.minimum(60), z.maximum(14 * 86_400)), 900),
    /** An existing SNS topic the alarms notify; without it the stack creates one. */
    topicArn: z.optional(
      z.string().check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, "an SNS topic ARN")),
    ),
    /** Subscribes this address to the topic the stack creates (AWS sends a confirmation e-mail first). */
    email: z.optional(z.email()),
  })
  .check(
    z.refine(
      (alarms) => !(alarms.topicArn && alarms.email),
      "give either topicArn (subscribe to your own topic) or email, not both",
    ),
  );

/** Throttling of the HTTP API's default stage: requests per second on average, and the burst above it. */
export const apiSchema = z.strictObject({
  throttling: z.prefault(
    z.strictObject({
      rateLimit: z._default(z.number().check(z.positive(), z.maximum(10_000)), 50),
      burstLimit: z._default(z.int().check(z.minimum(1), z.maximum(5_000)), 100),
    }),
    {},
  ),
});

export const configSchema = z.strictObject({
  scim: scimSourcesSchema,
  providers: z.array(providerSchema).check(z.minLength(1)),
  queue: z.prefault(queueSchema, {}),
  webhooks: z._default(webhookSourcesSchema, []),
  /** Directory exports (CSV, JSON) that reconciliation reads in full, for systems without a supported API. */
  fileSources: z._default(fileSourcesSchema, []),
  roleRules: z._default(roleRulesSchema, []),
  deprovisioningGuard: z.prefault(deprovisioningGuardSchema, {}),
  alarms: z.prefault(alarmsSchema, {}),
  api: z.prefault(apiSchema, {}),
  audit: z.prefault(auditSchema, {}),
  /**
   * The region (ISO 3166-1 alpha-2, e.g. "DE") phone numbers written without their +country prefix are
   * read in; providers receive every number in E.164. Unset: such numbers are refused (dead-lettered with
   * the reason), never guessed. A number that is not valid in its region is refused alike.
   */
  phoneDefaultRegion: z.optional(
    z.pipe(
      z.string(),
      // A custom schema rather than a refine check: it narrows the output to PhoneRegion, which a check cannot.
      z.custom<PhoneRegion>(
        (region) => isPhoneRegion(region as string),
        "must be a region libphonenumber knows, e.g. DE, CH, US",
      ),
    ),
  ),
  /**
   * Hours a person may wait for data a provider needs to create them (ZITADEL: an e-mail and names)
   * before their changes are dead-lettered. Until then the changes wait in the desired state, unsent.
   */
  incompleteMaxWaitHours: z._default(z.number().check(z.positive(), z.maximum(24 * 30)), 24),
  /** Reconciliation against full HR directories (docs/reconcile.md). */
  reconcile: z.prefault(reconcileSchema, {}),
  /** Largest request body ingest accepts. */
  maxBodyBytes: z._default(z.int().check(z.minimum(1024), z.maximum(10 * 1024 * 1024)), 1024 * 1024),
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
