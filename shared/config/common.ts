import * as z from "zod/mini";
import "../model/schema-messages.ts";

/** Secrets are referenced by name or ARN only; their values never appear in configuration. */
export const secretName = z.string().check(z.minLength(1), z.maxLength(2048));

export const leaverPolicySchema = z.enum(["deactivate", "delete"]);
export type LeaverPolicy = z.infer<typeof leaverPolicySchema>;

/** With `deactivate`: delete the user once the person has been inactive this many days (unset: never). */
export const deleteAfterDaysSchema = z.optional(z.int().check(z.minimum(1), z.maximum(3650)));

type Named = readonly { name: string }[];

/** A refinement refusing two entries of one name in a list of sources ("webhook source", "file source"). */
export function uniqueNames(what: string) {
  return (sources: Named, context: z.core.$RefinementCtx<Named>) => {
    const names = sources.map((source) => source.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        context.addIssue({ code: "custom", path: [index, "name"], message: `${what} "${name}" twice` });
    });
  };
}
