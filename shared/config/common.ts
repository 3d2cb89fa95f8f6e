import * as z from "zod";

/** Secrets are referenced by name or ARN only; their values never appear in configuration. */
export const secretName = z.string().min(1).max(2048);

export const leaverPolicySchema = z.enum(["deactivate", "delete"]);
export type LeaverPolicy = z.infer<typeof leaverPolicySchema>;

/** With `deactivate`: delete the user once the person has been inactive this many days (unset: never). */
export const deleteAfterDaysSchema = z.int().min(1).max(3650).optional();

/** A refinement refusing two entries of one name in a list of sources ("webhook source", "file source"). */
export function uniqueNames(what: string) {
  return (sources: readonly { name: string }[], context: z.RefinementCtx) => {
    const names = sources.map((source) => source.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        context.addIssue({ code: "custom", path: [index, "name"], message: `${what} "${name}" twice` });
    });
  };
}
