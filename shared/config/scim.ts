import { z } from "zod";
import { secretName } from "./common.ts";

export const scimSourceSchema = z.strictObject({
  /** Names the source in every change it produces; the person key is scoped by it. */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/)
    .default("scim"),
  /** Secrets Manager secret whose value is the bearer token the SCIM client sends. */
  tokenSecretName: secretName,
});
export type ScimSourceConfig = z.infer<typeof scimSourceSchema>;
