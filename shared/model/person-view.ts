import * as z from "zod/mini";
import "./schema-messages.ts";
import { canonicalUserSchema, personKeySchema } from "./user.ts";

/**
 * A person as the changes accepted so far make them (the merged desired state, before any provider has it):
 * what a source that answers from what it accepted (SCIM) reads back.
 */
export const personViewSchema = z.object({
  person: personKeySchema,
  user: canonicalUserSchema,
  deleted: z.boolean(),
  /** Epoch ms of the oldest and the newest accepted write still in effect; absent when there is none. */
  written: z.optional(z.object({ first: z.number(), last: z.number() })),
});
export type PersonView = z.infer<typeof personViewSchema>;
