import { attributesFromScimUser } from "../shared/sources/scim/user-mapping.ts";
import { scimUserSchema } from "../shared/sources/scim/user-schema.ts";
import {
  emptyDesiredState,
  type MergeableChange,
  materialize,
  mergeChange,
} from "../shared/sync/desired-state.ts";
import type { ProviderState } from "../shared/sync/person-record.ts";
import { planPerson } from "../shared/sync/plan.ts";

/** A SCIM body per change: `people` persons, each changed `changes / people` times with a moving title. */
function scimBodies(changes: number, people: number): string[] {
  return Array.from({ length: changes }, (_, index) =>
    JSON.stringify({
      externalId: `E-${index % people}`,
      userName: `user${index % people}@example.com`,
      name: { givenName: "Given", familyName: `Family${index % people}` },
      emails: [{ value: `user${index % people}@example.com`, type: "work", primary: true }],
      title: `Title ${index % 7}`,
      active: true,
    }),
  );
}

/** Changes per second through parse → normalise → merge → plan, on one core. */
export function measureCoreThroughput(changes = 50_000, people = 5_000) {
  const bodies = scimBodies(changes, people);
  const started = performance.now();
  const states = new Map<string, ReturnType<typeof emptyDesiredState>>();
  const acknowledged = new Map<string, ProviderState>();
  let operations = 0;
  bodies.forEach((body, index) => {
    const user = scimUserSchema.parse(JSON.parse(body));
    const change: MergeableChange = {
      id: `c${index}`,
      source: "scim",
      person: user.externalId ?? user.userName,
      at: new Date(1_700_000_000_000 + index).toISOString(),
      kind: "replace",
      attributes: attributesFromScimUser(user, { trustEmails: true }),
    };
    const state = mergeChange(states.get(change.person) ?? emptyDesiredState(), change);
    states.set(change.person, state);
    const decision = planPerson(
      change.person,
      materialize(state),
      acknowledged.get(change.person),
      "deactivate",
    );
    if (decision.op !== "none") {
      operations += 1;
      acknowledged.set(change.person, { user: materialize(state).user });
    }
  });
  const seconds = (performance.now() - started) / 1000;
  return { changes, people, seconds, changesPerSecond: Math.round(changes / seconds), operations };
}
