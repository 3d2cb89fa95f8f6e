import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { deleteAfterDaysSchema, leaverPolicySchema, secretName } from "./common.ts";

const customAttributeName = z.string().check(z.minLength(1), z.maxLength(64));

export const descopeProviderSchema = z.strictObject({
  type: z.literal("descope"),
  /** Unique per deployment: keys this provider's state in the state store. */
  name: z._default(z.string().check(z.minLength(1), z.maxLength(64)), "descope"),
  /** Secrets Manager secret whose value is `<ProjectId>:<ManagementKey>`. */
  secretName,
  /** Defaults to the regional URL derived from the project id (https://api[.<region>].descope.com). */
  baseUrl: z.optional(z.url()),
  /**
   * Users per batch create / batch patch call. Descope publishes no maximum; 100 is conservative. A batch
   * Descope refuses as a whole (4xx) is split in halves and re-sent, so a lower real limit still converges.
   */
  maxUsersPerBatch: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 100),
  leaverPolicy: z._default(leaverPolicySchema, "deactivate"),
  deleteAfterDays: deleteAfterDaysSchema,
  requestTimeoutMs: z._default(z.int().check(z.minimum(100), z.maximum(60_000)), 10_000),
  /**
   * Descope custom attributes (machine names, defined in the project schema first) that receive the
   * canonical attributes Descope has no field for, e.g. `{ "department": "department" }`. An attribute
   * without an entry is not sent (the default: none). Takes precedence over a canonical custom attribute
   * of the same name.
   */
  customAttributeNames: z._default(
    z.strictObject({
      title: z.optional(customAttributeName),
      department: z.optional(customAttributeName),
      employeeNumber: z.optional(customAttributeName),
      costCenter: z.optional(customAttributeName),
      manager: z.optional(customAttributeName),
    }),
    {},
  ),
  /**
   * Canonical attributes whose values also become the user's additional login IDs (Descope
   * `additionalIdentifiers`), e.g. `["email"]` when the loginId is an employee number. Default: none.
   */
  additionalIdentifiersFrom: z._default(z.array(z.enum(["email", "phone", "employeeNumber"])), []),
  /**
   * Status sent when creating an active user. Omitted by default, so Descope's own default applies: users
   * created through the management API start `invited` until their first login. An inactive user is always
   * created `disabled`.
   */
  createStatus: z.optional(z.enum(["enabled", "invited"])),
  /** Batch-create options, sent only when set: whether Descope invites the users it creates, and how. */
  invite: z.optional(z.boolean()),
  sendMail: z.optional(z.boolean()),
  sendSMS: z.optional(z.boolean()),
  inviteUrl: z.optional(z.url()),
  templateOptions: z.optional(z.record(z.string(), z.string())),
  /**
   * SSO applications every user this provider creates gets. The canonical model has no per-person SSO
   * apps, so this is one list per provider: sent on create and on full overwrites (which would otherwise
   * remove them), never on patches, so assignments made in Descope afterwards survive patches.
   */
  ssoAppIds: z.optional(z.array(z.string().check(z.minLength(1)))),
  /**
   * What follows a call whose outcome is unknown (a timeout, a 5xx, a crash): `load` (the default) reads the
   * user (`GET /v1/mgmt/user`) and patches the difference, leaving roles, tenants, SSO apps and custom
   * attributes granted in Descope by others as they are; `overwrite` sends a full update instead, which
   * removes everything idp-sync does not send.
   */
  afterUnconfirmed: z._default(z.enum(["load", "overwrite"]), "load"),
  /** Creates every user as a Descope test user (for staging projects); constant per provider. */
  test: z._default(z.boolean(), false),
  /**
   * Requests per 60 s this deployment may send per Descope path (the budget is per project). Defaults are
   * the conservative reading of https://docs.descope.com/rate-limiting, whose two published versions
   * differ: create and create/batch 100 in both; update and search 200 in one version, every other
   * `/v1/mgmt/user/*` path 500 in the other, so 200 for all of them (the lower reading). Raise them only
   * with Descope's confirmation for your plan. Each sync process paces itself to this budget divided by
   * the number of sync processes that may run at once.
   */
  rateLimits: z.prefault(
    z.strictObject({
      createPerMinute: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 100),
      otherPerMinute: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 200),
    }),
    {},
  ),
});
export type DescopeProviderConfig = z.infer<typeof descopeProviderSchema>;
