import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { runOperatorCli } from "../../shared/ops/operator-cli.ts";
import { scim, scimUser, settled, startTestStack } from "./stack.ts";

async function cli(command: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const printed: string[] = [];
  const code = await runOperatorCli(command, argv, env, (text) => printed.push(text));
  return { code, output: printed.join("\n") };
}

describe("operator commands against the local runtime (npm start), through its operator endpoint", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.stop());

  it("shows a SCIM user's provider user ids and audit trail with npm run status -- --local", async () => {
    const created = await scim(
      stack,
      "POST",
      "/Users",
      scimUser({ id: "E-7001", email: "ann.lee@example.com", givenName: "Ann", familyName: "Lee" }),
    );
    expect(created.status).toBe(201);
    await settled(stack);
    const descopeId = stack.descope
      ?.users()
      .find((user) => user.loginIds[0] === "ann.lee@example.com")?.userId;
    const zitadelId = stack.zitadel?.users().find((user) => user.username === "ann.lee@example.com")?.userId;
    expect(descopeId).toBeTruthy();
    expect(zitadelId).toBeTruthy();

    const { code, output } = await cli("status", ["E-7001", "--json", "--local", stack.runtime.url]);
    expect(code).toBe(0);
    const result = JSON.parse(output);
    expect(result.person.providers).toEqual([
      expect.objectContaining({ provider: "descope", userId: descopeId, confirmed: true, deleted: false }),
      expect.objectContaining({ provider: "zitadel", userId: zitadelId, confirmed: true, deleted: false }),
    ]);
    expect(result.person.desired.user).toMatchObject({ loginId: "***@example.com", givenName: "Ann" });
    const changeIds = result.person.audit[0].changes;
    expect(changeIds).toHaveLength(1);
    expect(result.person.audit).toEqual([
      expect.objectContaining({
        provider: "descope",
        outcome: "applied",
        op: "create",
        userId: descopeId,
        changes: changeIds,
      }),
      expect.objectContaining({
        provider: "zitadel",
        outcome: "applied",
        op: "create",
        userId: zitadelId,
        changes: changeIds,
      }),
    ]);

    // The same, human-readable, by change id, with the endpoint from the environment.
    const byChange = await cli("status", [changeIds[0]], { IDP_SYNC_LOCAL_URL: stack.runtime.url });
    expect(byChange.code).toBe(0);
    expect(byChange.output).toContain(`Change ${changeIds[0]}:`);
    expect(byChange.output).toMatch(/descope: applied at \d{4}-/);
    expect(byChange.output).toMatch(/zitadel: applied at \d{4}-/);
  });

  it("answers an unknown id with a sentence and exit code 1, and a wrong command line with 2", async () => {
    expect(await cli("status", ["E-none", "--local", stack.runtime.url])).toEqual({
      code: 1,
      output:
        'No person, loginId or change "E-none" is known (changes are known for as long as the audit trail keeps them).',
    });
    expect((await cli("status", ["--days", "0", "E-1", "--local", stack.runtime.url])).code).toBe(2);
    expect((await cli("guard", ["list", "--local", stack.runtime.url])).output).toContain('"holding": []');
    expect(await cli("redrive", ["--dry-run", "--local", stack.runtime.url])).toMatchObject({ code: 0 });
  });

  it("serves operator commands only by POST, and only those it has", async () => {
    const get = await fetch(`${stack.runtime.url}/_ops/status`);
    expect(get.status).toBe(405);
    const unknown = await fetch(`${stack.runtime.url}/_ops/nothing`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no operator command "nothing"' });
    const bad = await fetch(`${stack.runtime.url}/_ops/status`, { method: "POST", body: "not json" });
    expect(bad.status).toBe(400);
  });
});
