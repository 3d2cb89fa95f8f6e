import { z } from "zod";
import { leaverPolicySchema, secretName } from "./common.ts";

export const descopeProviderSchema = z.strictObject({
  type: z.literal("descope"),
  /** Unique per deployment: keys this provider's state in the state store. */
  name: z.string().min(1).max(64).default("descope"),
  /** Secrets Manager secret whose value is `<ProjectId>:<ManagementKey>`. */
  secretName,
  /** Defaults to the regional URL derived from the project id (https://api[.<region>].descope.com). */
  baseUrl: z.url().optional(),
  /** Users per batch create / batch patch call. Descope publishes no maximum; 100 is conservative. */
  maxUsersPerBatch: z.int().min(1).max(10_000).default(100),
  leaverPolicy: leaverPolicySchema.default("deactivate"),
  requestTimeoutMs: z.int().min(100).max(60_000).default(10_000),
});
export type DescopeProviderConfig = z.infer<typeof descopeProviderSchema>;
