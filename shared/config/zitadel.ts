import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { deleteAfterDaysSchema, leaverPolicySchema, secretName } from "./common.ts";

/** ZITADEL metadata keys are 1..200 characters (management.proto SetUserMetadataRequest.key). */
const metadataKey = z.string().check(z.minLength(1), z.maxLength(200));

export const zitadelProviderSchema = z.strictObject({
  type: z.literal("zitadel"),
  /** Unique per deployment: keys this provider's state in the state store. */
  name: z._default(z.string().check(z.minLength(1), z.maxLength(64)), "zitadel"),
  /** The instance URL, e.g. `https://my-instance.zitadel.cloud` (also the JWT profile audience). */
  baseUrl: z.url(),
  /**
   * Organisation users are created in and looked up from. Sent as `x-zitadel-orgid` on management (v1)
   * calls and as `organization.orgId` on v2 creates. Without it ZITADEL uses the service user's own org.
   */
  orgId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /**
   * Secrets Manager secret holding either a personal access token (the plain token, or
   * `{"type":"pat","token":"…"}`) or a service-account JSON key as ZITADEL downloads it
   * (`{"type":"serviceaccount","keyId","key","userId"}`), exchanged for access tokens (JWT profile).
   */
  secretName,
  /**
   * Which user API creates and updates users: the management API's ImportHumanUser and per-part updates
   * (`v1-import`, deprecated by ZITADEL but the only one taking `requestPasswordlessRegistration`), or
   * user service v2 AddHumanUser / UpdateHumanUser / SetUserMetadata / DeleteUserMetadata (`v2`, which
   * also creates users under an id derived from the person key, so a lost answer never makes a second
   * user).
   */
  api: z._default(z.enum(["v1-import", "v2"]), "v1-import"),
  /** Users worked on at once by one sync process (ZITADEL has no batch user endpoints). */
  maxConcurrency: z._default(z.int().check(z.minimum(1), z.maximum(100)), 10),
  /**
   * Requests per second this deployment may send, shared by all sync processes. ZITADEL Cloud allows
   * about 50/s per IP; 20 leaves room for other clients of the same instance.
   */
  requestsPerSecond: z._default(z.number().check(z.positive(), z.maximum(1000)), 20),
  leaverPolicy: z._default(leaverPolicySchema, "deactivate"),
  deleteAfterDays: deleteAfterDaysSchema,
  requestTimeoutMs: z._default(z.int().check(z.minimum(100), z.maximum(60_000)), 10_000),
  /**
   * User metadata keys that receive the canonical attributes ZITADEL has no field for, e.g.
   * `{ "department": "department" }`. An attribute without an entry is not sent (the default: none).
   * Canonical custom attributes always become metadata under their own names; a mapped key wins.
   */
  metadataKeys: z._default(
    z.strictObject({
      title: z.optional(metadataKey),
      department: z.optional(metadataKey),
      employeeNumber: z.optional(metadataKey),
      costCenter: z.optional(metadataKey),
      manager: z.optional(metadataKey),
    }),
    {},
  ),
  /**
   * v2 only: whether ZITADEL mails a verification code when idp-sync sets an e-mail address that is not
   * marked verified (on create or change). `off` (the default, right for imports) asks for the code back
   * (`returnCode`) and drops it, so nothing is mailed; `send` lets ZITADEL mail it (`sendCode`). An
   * address the source marks verified is sent verified either way. The v1 import has no such switch: it
   * mails an initialisation link to every user created without a verified e-mail and a password.
   */
  verificationEmail: z._default(z.enum(["off", "send"]), "off"),
  /** Whether a user created with a password (or hash) must change it at the next login. */
  passwordChangeRequired: z._default(z.boolean(), false),
  /**
   * v1-import only: ask ZITADEL for a passwordless (passkey) registration link for every created user.
   * The link is returned to the caller, not mailed, and idp-sync does not use it; leave off unless
   * another process picks the link up from ZITADEL.
   */
  requestPasswordlessRegistration: z._default(z.boolean(), false),
});
export type ZitadelProviderConfig = z.infer<typeof zitadelProviderSchema>;
