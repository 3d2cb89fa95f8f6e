import type { PersonView } from "../../model/person-view.ts";
import type { Drafter } from "../../ports/person-intake.ts";
import type { ScimContext } from "./context.ts";
import { ScimError } from "./errors.ts";

/**
 * Read-your-writes: records each person's change (drafted from how they stand, again after a concurrent
 * write) before it is queued, so that the client's next GET answers with what was accepted. Resolves with
 * each person as written; when a change could not be recorded or queued, the request answers 503.
 */
export async function acceptChanges(
  context: ScimContext,
  persons: readonly string[],
  draft: Drafter,
): Promise<Map<string, PersonView>> {
  const origin = {
    source: context.source.name,
    receivedAt: context.receivedAt,
    newChangeId: context.newChangeId,
  };
  const accepted = await context.persons.accept(persons, draft, origin);
  if (!accepted.recorded) throw new ScimError(503, "the change could not be recorded now; retry the request");
  return accepted.persons;
}
