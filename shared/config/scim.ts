import * as z from "zod";
import { secretName } from "./common.ts";

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

const role = z.string().min(1).max(256);

/** Members of the group get these roles and tenant roles; `group` is its displayName (any case) or its id. */
export const scimGroupMappingSchema = z
  .strictObject({
    group: z.string().min(1).max(256),
    roles: z.array(role).default([]),
    /** Tenant id → roles in that tenant (an empty list: membership without roles). */
    tenants: z.record(z.string().min(1).max(256), z.array(role)).default({}),
  })
  .refine((mapping) => mapping.roles.length > 0 || Object.keys(mapping.tenants).length > 0, {
    message: "give roles or tenants",
  });
export type ScimGroupMapping = z.infer<typeof scimGroupMappingSchema>;

export const scimSourceSchema = z.strictObject({
  /**
   * Names the source in every change it produces, and its own base URL /scim/<name>/v2 (the shared
   * /scim/v2 picks the source by its token).
   */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/)
    .refine((name) => name !== "v2", "v2 would make /scim/v2/… ambiguous")
    .default("scim"),
  /** Secrets Manager secret whose value is the bearer token the SCIM client sends. */
  tokenSecretName: secretName,
  /** Whether the e-mail addresses this client sends count as verified at the providers. */
  emailsVerified: z.boolean().default(true),
  /** Extra SCIM attributes to keep, each as the named key of canonical customAttributes. */
  customAttributes: z.partialRecord(z.enum(keepableScimAttributes), z.string().min(1).max(64)).default({}),
  /**
   * Group membership → roles and tenant roles. With mappings, groups own the person's roles (and the mapped
   * tenants); without, the User resource's own `roles` attribute does.
   */
  groupMappings: z.array(scimGroupMappingSchema).max(1000).default([]),
  /** Advertised in /ServiceProviderConfig; larger bulk requests are refused with 413. */
  bulk: z
    .strictObject({
      maxOperations: z.int().min(1).max(1000).default(100),
      maxPayloadSize: z
        .int()
        .min(1024)
        .max(10 * 1024 * 1024)
        .default(1024 * 1024),
    })
    .prefault({}),
  /** Most resources one list response holds (filter.maxResults); Okta pages with count=100. */
  maxResults: z.int().min(1).max(1000).default(200),
  /**
   * Most person records a query may read when no index answers it (filters other than `eq` on id,
   * externalId or userName, and unfiltered listing); beyond it the query is refused with tooMany.
   */
  maxScannedRecords: z.int().min(100).max(1_000_000).default(50_000),
});
export type ScimSourceConfig = z.infer<typeof scimSourceSchema>;
export type ScimSourceInput = z.input<typeof scimSourceSchema>;

/** One source (the original single-object form) or several, each with its own token and base URL. */
export const scimSourcesSchema = z
  .union([z.array(scimSourceSchema), scimSourceSchema])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .superRefine((sources, context) => {
    const names = sources.map((source) => source.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        context.addIssue({ code: "custom", path: [index, "name"], message: `SCIM source "${name}" twice` });
    });
  })
  .default([]);
