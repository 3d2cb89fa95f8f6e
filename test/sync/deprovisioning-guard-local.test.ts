import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { discardHeld, discardReason, listHeld, releaseHeld } from "../../shared/ops/guard-commands.ts";
import { settled, startTestStack } from "../e2e/stack.ts";
import { change } from "./fixtures.ts";

/** The operator commands, on the local runtime's own adapters. */
const commands = (stack: LocalStack) => ({
  holds: stack.runtime.holds,
  requeue: async (bodies: readonly string[]) => {
    for (const body of bodies) stack.runtime.queue.sendRaw(body);
  },
  deadLetters: stack.runtime.queue.deadLetterSink,
});

const person = (n: number) => `E-${String(n).padStart(3, "0")}`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => person(from + n));
const disabledInDescope = (stack: LocalStack) =>
  (stack.descope?.users() ?? []).filter((user) => user.status === "disabled").length;
/** ZITADEL cannot deactivate a user still in its initial state: the provider locks such a user instead. */
const inactiveInZitadel = (stack: LocalStack) =>
  (stack.zitadel?.users() ?? []).filter((user) =>
    ["USER_STATE_INACTIVE", "USER_STATE_LOCKED"].includes(user.state),
  ).length;

describe("deprovisioning guard in the local runtime, against both simulators", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.runtime.queue.send(
      range(0, 100).map((p) =>
        change(p, 1, {
          loginId: `${p}@example.com`,
          email: `${p}@example.com`,
          givenName: "Given",
          familyName: p,
        }),
      ),
    );
    await settled(stack);
  });
  afterAll(() => stack.stop());

  it("holds 30 of 100 leavers at each provider, and applies them when released", async () => {
    expect(stack.runtime.queue.deadLetters).toEqual([]);
    expect(await stack.runtime.store.countUsers("descope")).toBe(100);
    expect(await stack.runtime.store.countUsers("zitadel")).toBe(100);

    await stack.runtime.queue.send(range(0, 30).map((p) => change(p, 10, {}, "deactivate")));
    await settled(stack);

    const listed = await listHeld(stack.runtime.holds);
    expect(listed.holding.map((entry) => entry.provider).sort()).toEqual(["descope", "zitadel"]);
    expect(listed.held).toHaveLength(60);
    expect(disabledInDescope(stack)).toBe(0);
    expect(inactiveInZitadel(stack)).toBe(0);

    expect(await releaseHeld(commands(stack))).toMatchObject({ released: 60 });
    await settled(stack);

    expect(disabledInDescope(stack)).toBe(30);
    expect(inactiveInZitadel(stack)).toBe(30);
    expect(await listHeld(stack.runtime.holds)).toEqual({ holding: [], held: [] });
  });

  it("discards on command: nothing applied, each change dead-lettered with the reason", async () => {
    const letters = stack.runtime.queue.deadLetters.length;
    await stack.runtime.queue.send(range(40, 70).map((p) => change(p, 10, {}, "deactivate")));
    await settled(stack);
    expect((await listHeld(stack.runtime.holds)).held).toHaveLength(60);

    expect(await discardHeld(commands(stack), { provider: "descope" })).toMatchObject({ discarded: 30 });
    expect(await discardHeld(commands(stack), { provider: "zitadel" })).toMatchObject({ discarded: 30 });
    await settled(stack);

    expect(disabledInDescope(stack)).toBe(30);
    expect(inactiveInZitadel(stack)).toBe(30);
    const discarded = stack.runtime.queue.deadLetters.slice(letters);
    expect(discarded).toHaveLength(60);
    expect(discarded.every((letter) => letter.reason === discardReason)).toBe(true);
  });
});
