import { describe, expect, it } from "vitest";
import { change } from "../sync/fixtures.ts";
import { operatorHarness, t0 } from "./harness.ts";

const hire = (person: string, loginId: string, id: string) =>
  change(person, 1, { loginId, email: loginId, givenName: "Ann", phone: "+4915112345678" }, "upsert", id);

describe("npm run status", () => {
  it("shows a person's desired state (redacted), each provider's user id and confirmation, and the trail", async () => {
    const ops = operatorHarness();
    ops.zitadel.script = { p1: "retry" };
    await ops.sync(hire("p1", "ann@example.com", "c1"));

    const { result, text, exitCode } = await ops.run("status", { id: "p1" });
    expect(exitCode).toBe(0);
    expect(result).toMatchObject({
      found: true,
      via: "person",
      person: {
        person: "p1",
        desired: { deleted: false, user: { loginId: "***@example.com", givenName: "Ann", phone: "***78" } },
        providers: [
          { provider: "descope", userId: "descope-p1", confirmed: true, deleted: false },
          // The create was written ahead and not confirmed: the next sync checks before trusting it.
          { provider: "zitadel", confirmed: false, deleted: false },
        ],
        scheduled: [],
        held: [],
        deadLetters: [],
      },
    });
    expect(result.person.audit).toEqual([
      {
        at: new Date(t0).toISOString(),
        person: "p1",
        provider: "descope",
        userId: "descope-p1",
        outcome: "applied",
        op: "create",
        changes: ["c1"],
      },
      {
        at: new Date(t0).toISOString(),
        person: "p1",
        provider: "zitadel",
        outcome: "retried",
        op: "create",
        changes: ["c1"],
        reason: "zitadel refused",
      },
    ]);
    expect(text).toContain("descope: user id descope-p1, confirmed");
    expect(text).toContain("zitadel: user id (none yet), unconfirmed");
    expect(JSON.stringify(result)).not.toContain("ann@example.com");
    expect(JSON.stringify(result)).not.toContain("12345678");
  });

  it("finds a person by loginId, case-insensitively", async () => {
    const ops = operatorHarness();
    await ops.sync(hire("p1", "ann@example.com", "c1"));
    expect((await ops.run("status", { id: "ANN@example.com" })).result).toMatchObject({
      found: true,
      via: "loginId",
      person: { person: "p1" },
    });
  });

  it("tells for a change id whether and when each provider applied it", async () => {
    const ops = operatorHarness();
    await ops.sync(hire("p1", "ann@example.com", "c1"));
    ops.advance(60_000);
    ops.descope.script = { p1: "rejected" };
    await ops.sync(change("p1", 5, { title: "Lead" }, "upsert", "c2"));

    const { result, text, exitCode } = await ops.run("status", { id: "c2" });
    expect(exitCode).toBe(0);
    const later = new Date(t0 + 60_000).toISOString();
    expect(result.change).toEqual({
      id: "c2",
      providers: [
        {
          provider: "descope",
          applied: false,
          last: { outcome: "rejected", at: later, reason: "descope refused" },
        },
        { provider: "zitadel", applied: true, at: later, last: { outcome: "applied", at: later } },
      ],
      deadLettered: { at: later, reason: "descope: descope refused" },
    });
    expect(result.person.deadLetters).toMatchObject([{ outcome: "dead-lettered", changes: ["c2"] }]);
    expect(text).toContain(`zitadel: applied at ${later}`);
    expect(text).toContain("descope: not applied; last rejected");

    // The first change was applied at both, a minute before.
    expect((await ops.run("status", { id: "c1" })).result.change.providers).toMatchObject([
      { provider: "descope", applied: true, at: new Date(t0).toISOString() },
      { provider: "zitadel", applied: true },
    ]);
  });

  it("lists held leavers and scheduled changes", async () => {
    const ops = operatorHarness({ maxShare: 0.1, minPeople: 1 });
    await ops.sync(hire("p1", "ann@example.com", "c1"));
    await ops.sync(change("p1", 9, {}, "deactivate", "c9"));
    await ops.scheduler.schedule(change("p1", 20, {}, "deactivate", "c20"), new Date(t0 + 86_400_000));

    const { result, text } = await ops.run("status", { id: "p1" });
    expect(result.person.held).toEqual([
      { provider: "descope", op: "status", heldAt: new Date(t0).toISOString(), approved: false, changes: 1 },
      { provider: "zitadel", op: "status", heldAt: new Date(t0).toISOString(), approved: false, changes: 1 },
    ]);
    expect(result.person.scheduled).toEqual([
      { source: "test", person: "p1", kind: "deactivate", at: new Date(t0 + 86_400_000).toISOString() },
    ]);
    expect(text).toContain("Held leavers: descope status since");
  });

  it("answers unknown and ambiguous ids with a plain sentence and exit code 1", async () => {
    const ops = operatorHarness();
    await ops.sync(hire("p1", "same@example.com", "c1"), hire("p2", "same@example.com", "c2"));

    expect(await ops.run("status", { id: "nobody" })).toMatchObject({
      exitCode: 1,
      text: 'No person, loginId or change "nobody" is known (changes are known for as long as the audit trail keeps them).',
    });
    expect(await ops.run("status", { id: "same@example.com" })).toMatchObject({
      exitCode: 1,
      text: 'The loginId "same@example.com" belongs to 2 persons: p1, p2. Ask for one of them.',
    });
  });

  it("refuses arguments that are not a status request", async () => {
    const ops = operatorHarness();
    await expect(ops.run("status", { id: "" })).rejects.toThrow(/id/);
    await expect(ops.run("status", { id: "p1", extra: true })).rejects.toThrow();
  });
});
