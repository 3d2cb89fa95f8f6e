import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { inParallel, type PersonInput, scim, scimUser, settled, startTestStack } from "./stack.ts";

const people: PersonInput[] = Array.from({ length: 250 }, (_, index) => ({
  id: `E-${String(index).padStart(4, "0")}`,
  email: `person${index}@example.com`,
  givenName: `Given${index}`,
  familyName: `Family${index}`,
}));

const descopeCalls = (stack: LocalStack, path: string) =>
  (stack.descope?.requests() ?? []).filter((request) => request.path === path);
const zitadelWrites = (stack: LocalStack) =>
  (stack.zitadel?.requests() ?? []).filter(
    (request) => request.method !== "GET" && request.path !== "/oauth/v2/token",
  );

/** Creates `people` with the sync worker paused, so they reach it as one SQS batch, as a burst would. */
async function provisionAsOneBatch(stack: LocalStack, batch: PersonInput[]) {
  await stack.runtime.poller.stop();
  const answers = await inParallel(batch, 16, (person) => scim(stack, "POST", "/Users", scimUser(person)));
  stack.runtime.poller.start();
  await settled(stack);
  return answers;
}

describe("a SCIM client provisioning through the local runtime to Descope and ZITADEL", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.stop());

  it("creates 250 people with three Descope batch creates and one ZITADEL import each", async () => {
    const answers = await provisionAsOneBatch(stack, people);
    expect(answers.map((answer) => answer.status)).toEqual(people.map(() => 201));
    expect(answers[7]?.body).toMatchObject({ id: "E-0007", userName: "person7@example.com" });

    const batches = descopeCalls(stack, "/v1/mgmt/user/create/batch");
    expect(batches.map((call) => (call.body as { users: unknown[] }).users.length)).toEqual([100, 100, 50]);
    const descopeUsers = stack.descope?.users() ?? [];
    expect(descopeUsers).toHaveLength(250);
    expect(descopeUsers.find((user) => user.loginIds[0] === "person7@example.com")).toMatchObject({
      email: "person7@example.com",
      verifiedEmail: true,
      givenName: "Given7",
      familyName: "Family7",
    });

    const imports = zitadelWrites(stack).filter((call) => call.path === "/management/v1/users/human/_import");
    expect(imports).toHaveLength(250);
    const zitadelUsers = stack.zitadel?.users() ?? [];
    expect(zitadelUsers).toHaveLength(250);
    // Imported without a password, a ZITADEL user stays "initial" until they set one.
    expect(zitadelUsers.find((user) => user.username === "person7@example.com")).toMatchObject({
      state: "USER_STATE_INITIAL",
      human: {
        profile: { givenName: "Given7", familyName: "Family7" },
        email: { email: "person7@example.com", isVerified: true },
      },
    });
  });

  it("sends one Descope batch patch carrying only the changed field when ten people change", async () => {
    const before = stack.descope?.requests().length ?? 0;
    const changed = people
      .slice(0, 10)
      .map((person) => ({ ...person, familyName: `${person.familyName}-Moved` }));
    await stack.runtime.poller.stop();
    await inParallel(changed, 10, (person) => scim(stack, "PUT", `/Users/${person.id}`, scimUser(person)));
    stack.runtime.poller.start();
    await settled(stack);

    const calls = (stack.descope?.requests() ?? []).slice(before);
    expect(calls.map((call) => call.path)).toEqual(["/v1/mgmt/user/patch/batch"]);
    const patched = (calls[0]?.body as { users: Record<string, unknown>[] } | undefined)?.users ?? [];
    expect(patched).toHaveLength(10);
    expect(patched.find((user) => user.loginId === "person3@example.com")).toEqual({
      loginId: "person3@example.com",
      familyName: "Family3-Moved",
    });
  });

  it("calls no provider for a PUT that changes nothing", async () => {
    const descopeBefore = stack.descope?.requests().length ?? 0;
    const zitadelBefore = zitadelWrites(stack).length;
    const person = people[42] as PersonInput;
    expect((await scim(stack, "PUT", `/Users/${person.id}`, scimUser(person))).status).toBe(200);
    await settled(stack);
    expect(stack.descope?.requests().length).toBe(descopeBefore);
    expect(zitadelWrites(stack).length).toBe(zitadelBefore);
  });

  it("disables a leaver in Descope and deactivates them in ZITADEL, and brings a rehire back", async () => {
    const person = people[5] as PersonInput;
    await scim(stack, "PUT", `/Users/${person.id}`, scimUser({ ...person, active: false }));
    await settled(stack);
    const descopeUser = () => stack.descope?.users().find((user) => user.loginIds[0] === person.email);
    const zitadelUser = () => stack.zitadel?.users().find((user) => user.username === person.email);
    expect(descopeUser()?.status).toBe("disabled");
    // ZITADEL cannot deactivate a user still "initial", so idp-sync locks them instead.
    expect(zitadelUser()?.state).toBe("USER_STATE_LOCKED");

    await scim(stack, "PUT", `/Users/${person.id}`, scimUser(person));
    await settled(stack);
    expect(descopeUser()?.status).toBe("enabled");
    // Unlocking makes a ZITADEL user active, as ZITADEL's own user write model does.
    expect(zitadelUser()?.state).toBe("USER_STATE_ACTIVE");
  });

  it("catches ZITADEL up after an outage without repeating a single Descope call", async () => {
    const joiners = Array.from({ length: 5 }, (_, index) => ({
      id: `J-${index}`,
      email: `joiner${index}@example.com`,
      givenName: `Joiner${index}`,
      familyName: "Outage",
    }));
    stack.zitadel?.setFaults({ outage: true });
    const descopeBefore = stack.descope?.requests().length ?? 0;
    await inParallel(joiners, 5, (person) => scim(stack, "POST", "/Users", scimUser(person)));
    await waitUntil(() => (stack.descope?.users().length ?? 0) === 255);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(stack.zitadel?.users().some((user) => user.username.startsWith("joiner"))).toBe(false);
    stack.zitadel?.setFaults({});
    await settled(stack);

    const zitadelJoiners = (stack.zitadel?.users() ?? []).filter((user) =>
      user.username.startsWith("joiner"),
    );
    expect(zitadelJoiners.map((user) => user.username).sort()).toEqual(joiners.map((person) => person.email));
    const descopeCallsSince = (stack.descope?.requests() ?? []).slice(descopeBefore);
    const createdLoginIds = descopeCallsSince.flatMap((call) =>
      ((call.body as { users?: { loginId: string }[] }).users ?? []).map((user) => user.loginId),
    );
    expect(createdLoginIds.sort()).toEqual(joiners.map((person) => person.email));
    expect(stack.runtime.queue.deadLetters).toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
