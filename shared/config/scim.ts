import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { secretName } from "./common.ts";
import { grantShape, grantsSomething } from "./role-rules.ts";

/**
 * SCIM User attributes the canonical model has no field for. A source may keep any of them as a custom
 * attribute (`customAttributes: { nickName: "nickname" }`); the rest are accepted and dropped, and /Schemas
 * lists only what a source keeps.
 */
export const keepableScimAttributes = [
  "nickName",
  "profileUrl",
  "userType",
  "preferredLanguage",
  "locale",
  "timezone",
  "name.formatted",
  "name.honorificPrefix",
  "name.honorificSuffix",
  "organization",
  "division",
] as const;
export type KeepableScimAttribute = (typeof keepableScimAttributes)[number];

/** Members of the group get these roles and tenant roles; `group` is its displayName (any case) or its id. */
export const scimGroupMappingSchema = z
  .strictObject({
    group: z.string().check(z.minLength(1), z.maxLength(256)),
    ...grantShape,
  })
  .check(grantsSomething);
export type ScimGroupMapping = z.infer<typeof scimGroupMappingSchema>;

export const scimSourceSchema = z.strictObject({
  /**
   * Names the source in every change it produces, and its own base URL /scim/<name>/v2 (the shared
   * /scim/v2 picks the source by its token).
   */
  name: z._default(
    z.string().check(
      z.minLength(1),
      z.maxLength(64),
      z.regex(/^[a-z0-9-]+$/),
      z.refine((name) => name !== "v2", "v2 would make /scim/v2/… ambiguous"),
    ),
    "scim",
  ),
  /** Secrets Manager secret whose value is the bearer token the SCIM client sends. */
  tokenSecretName: secretName,
  /** Whether the e-mail addresses this client sends count as verified at the providers. */
  emailsVerified: z._default(z.boolean(), true),
  /** Extra SCIM attributes to keep, each as the named key of canonical customAttributes. */
  customAttributes: z._default(
    z.partialRecord(z.enum(keepableScimAttributes), z.string().check(z.minLength(1), z.maxLength(64))),
    {},
  ),
  /**
   * Group membership → roles and tenant roles. With mappings, groups own the person's roles (and the mapped
   * tenants); without, the User resource's own `roles` attribute does.
   */
  groupMappings: z._default(z.array(scimGroupMappingSchema).check(z.maxLength(1000)), []),
  /** Advertised in /ServiceProviderConfig; larger bulk requests are refused with 413. */
  bulk: z.prefault(
    z.strictObject({
      maxOperations: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 100),
      maxPayloadSize: z._default(z.int().check(z.minimum(1024), z.maximum(10 * 1024 * 1024)), 1024 * 1024),
    }),
    {},
  ),
  /** Most resources one list response holds (filter.maxResults); Okta pages with count=100. */
  maxResults: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 200),
  /**
   * Most person records a query may read when no index answers it (filters other than `eq` on id,
   * externalId or userName, and unfiltered listing); beyond it the query is refused with tooMany.
   */
  maxScannedRecords: z._default(z.int().check(z.minimum(100), z.maximum(1_000_000)), 50_000),
});
export type ScimSourceConfig = z.infer<typeof scimSourceSchema>;
export type ScimSourceInput = z.input<typeof scimSourceSchema>;

/** One source (the original single-object form) or several, each with its own token and base URL. */
export const scimSourcesSchema = z._default(
  z
    .pipe(
      z.union([z.array(scimSourceSchema), scimSourceSchema]),
      z.transform((value) => (Array.isArray(value) ? value : [value])),
    )
    .check(
      z.superRefine((sources, context) => {
        const names = sources.map((source) => source.name);
        names.forEach((name, index) => {
          if (names.indexOf(name) !== index)
            context.addIssue({
              code: "custom",
              path: [index, "name"],
              message: `SCIM source "${name}" twice`,
            });
        });
      }),
    ),
  [],
);
