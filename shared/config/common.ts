import { z } from "zod";

/** Secrets are referenced by name or ARN only; their values never appear in configuration. */
export const secretName = z.string().min(1).max(2048);

export const leaverPolicySchema = z.enum(["deactivate", "delete"]);
