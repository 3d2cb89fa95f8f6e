import { type Mapping, mappingSchema } from "../mapping/spec.ts";

const refresh = "refresh" as const;

/**
 * Personio webhooks (developer.personio.de/v2.0/reference/webhooks) are "dataless":
 * `{ company_id, event_name, occurred_at, payload, meta }`; the person is read from the v2 API
 * (GET /v2/persons/{id} and its employment). The record the mapping sees is the person with its first
 * employment under `employment`. The id's place in `payload` is not shown in the documentation read, so
 * the person id is taken from the first of the likely places that is present.
 */
export const personioMapping: Mapping = mappingSchema.parse({
  events: [
    {
      type: "$.event_name",
      actions: {
        "person.created": refresh,
        "person.updated": refresh,
        "employment.created": refresh,
        "employment.updated": refresh,
        "employment.started": refresh,
        "employment.terminated": refresh,
        "employment.deleted": refresh,
        "person.deleted": "delete",
      },
      person: { path: ["$.payload.person.id", "$.payload.person_id", "$.payload.id"] },
      at: "$.occurred_at",
    },
  ],
  attributes: {
    loginId: { path: "$.email", transforms: ["trim", "lower"] },
    email: "$.email",
    givenName: "$.first_name",
    familyName: "$.last_name",
    title: "$.employment.position.title",
    manager: "$.employment.supervisor.id",
    active: {
      path: "$.employment.status",
      transforms: [{ lookup: { ACTIVE: true, ONBOARDING: true, LEAVE: true, INACTIVE: false } }],
    },
  },
  leaver: { date: "$.employment.termination.termination_date" },
});
