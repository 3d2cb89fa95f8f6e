import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { scim, scimUser, settled, startTestStack } from "./stack.ts";

/** `phoneDefaultRegion` from the configuration reaches the sync worker: both providers get E.164. */
describe("phone numbers through the local runtime", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack((config) => ({ ...config, phoneDefaultRegion: "DE" }));
  });
  afterAll(() => stack.stop());

  it("sends a national number in E.164 to both providers, and dead-letters one that is no number", async () => {
    const person = { id: "T-1", email: "tel@example.com", givenName: "Tel", familyName: "Fon" };
    const withPhone = (phone: string) => ({
      ...scimUser(person),
      phoneNumbers: [{ value: phone, type: "work", primary: true }],
    });
    expect((await scim(stack, "POST", "/Users", withPhone("030 1234567"))).status).toBe(201);
    await settled(stack);
    expect(stack.descope?.users().find((user) => user.loginIds[0] === person.email)?.phone).toBe(
      "+49301234567",
    );
    const zitadelUser = () => stack.zitadel?.users().find((user) => user.username === person.email);
    expect(zitadelUser()?.human.phone).toMatchObject({ phone: "+49301234567" });

    await scim(stack, "PUT", `/Users/${person.id}`, withPhone("12"));
    await settled(stack);
    expect(stack.runtime.queue.deadLetters.map((letter) => letter.reason)).toEqual([
      expect.stringMatching(/^descope: phone "12" is not a valid phone number.*; zitadel: phone "12"/),
    ]);
    expect(zitadelUser()?.human.phone).toMatchObject({ phone: "+49301234567" });
  });
});
