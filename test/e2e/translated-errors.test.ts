import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { inParallel, type PersonInput, scim, scimUser, settled, startTestStack } from "./stack.ts";

const people: PersonInput[] = Array.from({ length: 30 }, (_, index) => ({
  id: `DE-${index}`,
  email: `mitarbeiter${index}@example.com`,
  givenName: `Vorname${index}`,
  familyName: `Nachname${index}`,
}));

/**
 * ZITADEL translates its error messages (Accept-Language, else the instance's default language): a whole
 * sync against a German-speaking instance, with lost answers and 5xx along the way, must end exactly as
 * against an English one. Only error ids and gRPC codes may decide what an answer means.
 */
describe("a whole sync against a ZITADEL instance that answers in German", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack(
      (config) => ({
        ...config,
        providers: config.providers.map((provider) =>
          provider.type === "zitadel" ? { ...provider, requestTimeoutMs: 300 } : provider,
        ),
      }),
      { language: "de", seed: 7 },
    );
  });
  afterAll(() => stack.stop());

  it("creates, renames, deactivates and reactivates everyone, dead-lettering nothing", async () => {
    stack.zitadel?.setFaults({ timeoutRate: 0.1, errorRate: 0.1 });
    await inParallel(people, 8, (person) => scim(stack, "POST", "/Users", scimUser(person)));
    await settled(stack, 60_000);
    const renamed = people.map((person) => ({ ...person, familyName: `${person.familyName}-neu` }));
    await inParallel(renamed, 8, (person) => scim(stack, "PUT", `/Users/${person.id}`, scimUser(person)));
    await settled(stack, 60_000);
    const leavers = renamed.slice(0, 10);
    await inParallel(leavers, 8, (person) =>
      scim(stack, "PUT", `/Users/${person.id}`, scimUser({ ...person, active: false })),
    );
    await settled(stack, 60_000);
    // Deactivating again and reactivating meets ZITADEL's refusals ("already …") in German.
    await inParallel(leavers.slice(0, 5), 8, (person) =>
      scim(stack, "PUT", `/Users/${person.id}`, scimUser(person)),
    );
    await settled(stack, 60_000);
    stack.zitadel?.setFaults({});

    expect(stack.runtime.queue.deadLetters).toEqual([]);
    const users = stack.zitadel?.users() ?? [];
    expect(users).toHaveLength(people.length);
    const byName = new Map(users.map((user) => [user.username, user]));
    for (const [index, person] of renamed.entries()) {
      const user = byName.get(person.email);
      expect(user?.human.profile.familyName).toBe(person.familyName);
      const left = index >= 5 && index < 10;
      expect([index, user?.state === "USER_STATE_LOCKED" || user?.state === "USER_STATE_INACTIVE"]).toEqual([
        index,
        left,
      ]);
    }
  });
});
