import { describe, expect, it } from "vitest";
import { discardReason } from "../../shared/ops/guard-commands.ts";
import { change } from "../sync/fixtures.ts";
import { operatorHarness } from "./harness.ts";

const persons = ["p1", "p2", "p3"];

/** Three persons at both providers, then all three leave: minPeople 2 holds them all. */
async function holding() {
  const ops = operatorHarness({ maxShare: 0.1, minPeople: 2 });
  await ops.sync(
    ...persons.map((person) =>
      change(person, 1, { loginId: `${person}@example.com` }, "upsert", `h-${person}`),
    ),
  );
  await ops.sync(...persons.map((person) => change(person, 9, {}, "deactivate", `l-${person}`)));
  return ops;
}

const heldPersons = async (ops: Awaited<ReturnType<typeof holding>>) =>
  (await ops.run("guard", { action: "list" })).result.held.map(
    (held: { provider: string; person: string; approved?: boolean }) =>
      `${held.provider}/${held.person}${held.approved ? " approved" : ""}`,
  );

describe("npm run guard, on the local adapters", () => {
  it("releases one person at every provider; the providers keep holding the others", async () => {
    const ops = await holding();
    expect(await heldPersons(ops)).toHaveLength(6);

    const released = await ops.run("guard", { action: "release", person: "p2" });
    expect(released.result).toEqual({ released: 2, providers: [] });
    expect(ops.queue.depth).toBe(1); // p2's one deactivation, back on the queue once
    expect(await heldPersons(ops)).toEqual([
      "descope/p1",
      "descope/p2 approved",
      "descope/p3",
      "zitadel/p1",
      "zitadel/p2 approved",
      "zitadel/p3",
    ]);
    expect(
      (await ops.run("guard", { action: "list" })).result.holding.map(
        (h: { provider: string }) => h.provider,
      ),
    ).toEqual(["descope", "zitadel"]);
  });

  it("discards one person at one provider, into the DLQ and the audit trail", async () => {
    const ops = await holding();
    const discarded = await ops.run("guard", { action: "discard", provider: "zitadel", person: "p3" });

    expect(discarded.result).toEqual({ discarded: 1, providers: [] });
    expect(
      ops.queue.deadLetters.map((letter) => [JSON.parse(letter.body).id, letter.reason, letter.provider]),
    ).toEqual([["l-p3", discardReason, "zitadel"]]);
    expect((await ops.audit.forPerson("p3")).at(-1)).toMatchObject({
      provider: "zitadel",
      outcome: "dead-lettered",
      changes: ["l-p3"],
      reason: discardReason,
    });
    expect(await heldPersons(ops)).not.toContain("zitadel/p3");
  });

  it("stops holding a provider once its last held person is decided", async () => {
    const ops = await holding();
    for (const person of persons) await ops.run("guard", { action: "discard", provider: "descope", person });
    const { holding: stillHolding } = (await ops.run("guard", { action: "list" })).result;
    expect(stillHolding.map((h: { provider: string }) => h.provider)).toEqual(["zitadel"]);
  });

  it("refuses an action it does not know", async () => {
    const ops = await holding();
    await expect(ops.run("guard", { action: "recount" })).rejects.toThrow(/action/);
  });
});

describe("npm run redrive, on the local adapters", () => {
  it("lists the dead letters on a dry run, then moves at most --max of them", async () => {
    const ops = operatorHarness();
    ops.descope.script = { p1: "rejected", p2: "rejected" };
    await ops.sync(
      change("p1", 1, { loginId: "a" }, "upsert", "c1"),
      change("p2", 1, { loginId: "b" }, "upsert", "c2"),
    );

    const dry = await ops.run("redrive", { dryRun: true });
    expect(dry.result).toMatchObject({ dryRun: true, letters: 2, moved: 0 });
    expect(dry.result.details.map((letter: { change: { id: string } }) => letter.change.id)).toEqual([
      "c1",
      "c2",
    ]);
    expect(dry.text).not.toContain('"loginId"');

    const moved = await ops.run("redrive", { max: 1 });
    expect(moved).toMatchObject({ exitCode: 0, result: { letters: 1, moved: 1 } });
    expect(ops.queue.deadLetters).toHaveLength(1);
    expect(ops.queue.depth).toBe(1);
  });
});
