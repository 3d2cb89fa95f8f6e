import type { PersonView } from "../../model/person-view.ts";
import { personKeySchema, profileShape } from "../../model/user.ts";
import type { ScimContext } from "./context.ts";
import { ScimError } from "./errors.ts";
import type { Filter } from "./filter.ts";
import { compileResourceFilter } from "./filter-match.ts";
import type { JsonObject } from "./normalise.ts";
import { resolveAttribute } from "./resource-schemas.ts";
import { liveUser, renderUser } from "./user-resource.ts";

const scanPageSize = 500;

/**
 * The live users a filter selects, rendered and ordered by id. `eq` on id, externalId or userName (alone, or
 * in an `and`, or on both sides of an `or`) is answered by key or loginId lookups — the "does this user
 * exist?" probes Okta and Entra send before every create; any other filter pages through the store.
 */
export async function findUsers(filter: Filter | undefined, context: ScimContext): Promise<JsonObject[]> {
  const matches = filter ? compileResourceFilter(filter, context.users) : () => true;
  const candidates = filter ? await lookUp(filter, context) : undefined;
  const persons = candidates ?? (await allPersons(context));
  return persons
    .filter((view) => liveUser(view) !== undefined)
    .map((view) => renderUser(view, context))
    .filter(matches)
    .sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
}

/** The persons who can match, found by index; undefined when the filter needs a scan. */
async function lookUp(filter: Filter, context: ScimContext): Promise<PersonView[] | undefined> {
  if (filter.kind === "logical") {
    const left = await lookUp(filter.left, context);
    if (filter.operator === "and") return left ?? (await lookUp(filter.right, context));
    const right = left && (await lookUp(filter.right, context));
    if (!left || !right) return undefined;
    const union = new Map([...left, ...right].map((view) => [view.person, view]));
    return [...union.values()];
  }
  if (filter.kind !== "compare" || filter.operator !== "eq" || filter.literal.value === null)
    return undefined;
  const location = resolveAttribute(context.users, filter.attribute);
  if (location.sub !== undefined || location.extension !== undefined) return undefined;
  const wanted = filter.literal.text;
  if (location.name === "id" || location.name === "externalId") {
    // A value no person key can have matches nobody; the store is not asked (DynamoDB limits key sizes).
    if (!personKeySchema.safeParse(wanted).success) return [];
    return [...(await context.persons.get([wanted])).values()];
  }
  if (location.name === "userName") {
    if (!profileShape.loginId.safeParse(wanted).success) return [];
    return context.persons.findByLoginId(wanted);
  }
  return undefined;
}

async function allPersons(context: ScimContext): Promise<PersonView[]> {
  const persons: PersonView[] = [];
  let after: string | undefined;
  do {
    const page = await context.persons.list({
      limit: scanPageSize,
      ...(after === undefined ? {} : { after }),
    });
    persons.push(...page.persons);
    if (persons.length > context.source.maxScannedRecords)
      throw new ScimError(
        400,
        `the query would read more than ${context.source.maxScannedRecords} users; filter by id, externalId or userName`,
        "tooMany",
      );
    after = page.next;
  } while (after !== undefined);
  return persons;
}
