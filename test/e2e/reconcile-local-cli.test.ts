import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { runOperatorCli } from "../../shared/ops/operator-cli.ts";
import { settled, startTestStack } from "./stack.ts";

let stack: LocalStack;
let file: string;

beforeAll(async () => {
  stack = await startTestStack((config) => ({
    ...config,
    fileSources: [
      {
        name: "payroll",
        format: "csv",
        person: "$.id",
        mapping: {
          attributes: { loginId: "$.email", email: "$.email", givenName: "$.first", familyName: "$.last" },
        },
      },
    ],
  }));
  file = join(mkdtempSync(join(tmpdir(), "reconcile-local-")), "payroll.csv");
  writeFileSync(
    file,
    "id,email,first,last\nP-1,ada@payroll.example,Ada,Byron\nP-2,alan@payroll.example,Alan,Turing\n",
  );
});
afterAll(() => stack?.stop());

async function reconcile(...argv: string[]) {
  const printed: string[] = [];
  const code = await runOperatorCli(
    "reconcile",
    ["--local", stack.runtime.url, "--source", "payroll", "--file", file, ...argv],
    {},
    (text) => printed.push(text),
  );
  return { code, output: printed.join("\n") };
}

describe("npm run reconcile --local (the local runtime's operator endpoint)", () => {
  it("previews a file source, then creates its people at both simulators through the queue", async () => {
    const preview = await reconcile("--dry-run", "--json");
    expect(preview.code).toBe(0);
    const report = JSON.parse(preview.output);
    expect(report.providers).toMatchObject([
      { provider: "descope", create: 2, orphan: 0 },
      { provider: "zitadel", create: 2, orphan: 0 },
    ]);
    expect(stack.descope?.users()).toEqual([]);

    const applied = await reconcile();
    expect(applied.code).toBe(0);
    expect(applied.output).toContain("2 changes queued");
    await settled(stack);
    expect(
      stack.descope
        ?.users()
        .map((user) => user.loginIds[0])
        .sort(),
    ).toEqual(["ada@payroll.example", "alan@payroll.example"]);
    expect(stack.zitadel?.users()).toHaveLength(2);

    const again = JSON.parse((await reconcile("--dry-run", "--json")).output);
    expect(again.rows).toEqual([]);
    expect(again.providers).toMatchObject([{ unchanged: 2 }, { unchanged: 2 }]);
  });
});
