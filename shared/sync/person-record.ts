import * as z from "zod/mini";
import "../model/schema-messages.ts";
import { canonicalUserSchema, personKeySchema } from "../model/user.ts";
import { desiredStateSchema } from "./desired-state.ts";

/** What one provider last acknowledged for a person: the user as sent, and the provider's own id. */
export const providerStateSchema = z.object({
  user: canonicalUserSchema,
  userId: z.optional(z.string()),
  deleted: z.optional(z.boolean()),
  /**
   * What the provider holds is not known for sure: a change was (about to be) sent and not confirmed — a
   * create then has no `userId` yet — or another invocation worked on the same person at the same time,
   * so whichever request landed last wins. The next plan has the provider check what it holds instead of trusting
   * `user`, finding the user by its loginId: no crash, lost answer or race can leave a stale or second
   * account behind.
   */
  unconfirmed: z.optional(z.boolean()),
});
export type ProviderState = z.infer<typeof providerStateSchema>;

/** The unit the state store keeps: desired state plus each provider's acknowledged state, versioned. */
export const personRecordSchema = z.object({
  person: personKeySchema,
  version: z.int().check(z.nonnegative()),
  desired: desiredStateSchema,
  providers: z.record(z.string(), providerStateSchema),
  /**
   * The invocation applying this person to the providers now, until its deadline: another one merges its
   * changes but leaves the providers alone (and retries) meanwhile, so two never race at a provider.
   */
  lease: z.optional(z.object({ owner: z.string(), until: z.number() })),
  /**
   * Since when (epoch ms) a provider has been waiting for data it needs to create the person (an e-mail,
   * names): their creates are not sent until it arrives, and dead-lettered after a while if it does not.
   */
  waitingSince: z.optional(z.number()),
});
export type PersonRecord = z.infer<typeof personRecordSchema>;

/** The loginId the record's desired state holds now; stores index persons by it. */
export function desiredLoginId(record: PersonRecord): string | undefined {
  const slot = record.desired.attributes.loginId;
  return typeof slot?.value === "string" ? slot.value : undefined;
}
