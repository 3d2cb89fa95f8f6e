import { z } from "zod";
import { canonicalUserSchema, personKeySchema } from "../model/user.ts";
import { desiredStateSchema } from "./desired-state.ts";

/** What one provider last acknowledged for a person: the user as sent, and the provider's own id. */
export const providerStateSchema = z.object({
  user: canonicalUserSchema,
  userId: z.string().optional(),
  deleted: z.boolean().optional(),
});
export type ProviderState = z.infer<typeof providerStateSchema>;

/** The unit the state store keeps: desired state plus each provider's acknowledged state, versioned. */
export const personRecordSchema = z.object({
  person: personKeySchema,
  version: z.int().nonnegative(),
  desired: desiredStateSchema,
  providers: z.record(z.string(), providerStateSchema),
});
export type PersonRecord = z.infer<typeof personRecordSchema>;

/** The loginId the record's desired state holds now; stores index persons by it. */
export function desiredLoginId(record: PersonRecord): string | undefined {
  const slot = record.desired.attributes.loginId;
  return typeof slot?.value === "string" ? slot.value : undefined;
}
