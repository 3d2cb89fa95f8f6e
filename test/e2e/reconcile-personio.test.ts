import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/local-stack.ts";
import { type PersonioSimulator, startPersonioSimulator } from "../../local/simulators/hr/personio.ts";
import { runOperatorCli } from "../../shared/ops/operator-cli.ts";
import { settled, startTestStack } from "./stack.ts";

let stack: LocalStack;
let personio: PersonioSimulator;

beforeAll(async () => {
  personio = await startPersonioSimulator({ clientId: "client-1", clientSecret: "secret-1" });
  stack = await startTestStack((config) => ({
    ...config,
    webhooks: [
      ...(config.webhooks ?? []),
      {
        type: "personio",
        name: "personio",
        secretNames: ["personio-webhook-token"],
        leavers: { timeZone: "Europe/Berlin" },
        api: { baseUrl: personio.url, credentialsSecretName: "personio-client", requestTimeoutMs: 2000 },
      },
    ],
  }));
  stack.runtime.secrets.set("personio-client", "client-1:secret-1");
  for (const [id, first, status] of [
    ["4701", "Jonas", "ACTIVE"],
    ["4702", "Lena", "ACTIVE"],
    ["4703", "Mia", "ACTIVE"],
    ["4704", "Paul", "INACTIVE"],
  ] as const)
    personio.setPerson(
      id,
      { first_name: first, last_name: "Weber", email: `${first.toLowerCase()}@acme.example` },
      { status, position: { title: "Consultant" } },
    );
});
afterAll(async () => {
  await stack?.stop();
  await personio?.close();
});

async function reconcile(...argv: string[]) {
  const printed: string[] = [];
  const code = await runOperatorCli(
    "reconcile",
    ["--local", stack.runtime.url, "--source", "personio", "--json", ...argv],
    {},
    (text) => printed.push(text),
  );
  expect(code).toBe(0);
  return JSON.parse(printed.join("\n"));
}

const actions = (report: { rows: { provider: string; action: string; person?: string }[] }) =>
  report.rows.map(({ provider, action, person }) => `${provider} ${action} ${person}`).sort();

describe("reconcile of a Personio directory, end to end (Personio, Descope and ZITADEL simulators)", () => {
  it("imports the active people, then repairs an HR change and deactivates one who left the directory", async () => {
    const imported = await reconcile();
    expect(actions(imported)).toEqual(
      ["4701", "4702", "4703"]
        .flatMap((person) => [`descope create ${person}`, `zitadel create ${person}`])
        .sort(),
    );
    await settled(stack);
    expect(
      stack.descope
        ?.users()
        .map((user) => user.loginIds[0])
        .sort(),
    ).toEqual(["jonas@acme.example", "lena@acme.example", "mia@acme.example"]);

    // Lena marries (the webhook is lost); Mia is removed from Personio altogether.
    personio.setPerson(
      "4702",
      { first_name: "Lena", last_name: "Schmidt", email: "lena@acme.example" },
      { status: "ACTIVE", position: { title: "Consultant" } },
    );
    personio.removePerson("4703");
    const preview = await reconcile("--dry-run");
    expect(actions(preview)).toEqual([
      "descope leaver 4703",
      "descope repair 4702",
      "zitadel leaver 4703",
      "zitadel repair 4702",
    ]);
    const repairs = preview.rows.filter((row: { action: string }) => row.action === "repair");
    expect(repairs.map((row: { attributes: string[] }) => row.attributes)).toEqual([
      ["familyName"],
      ["familyName"],
    ]);

    await reconcile();
    await settled(stack);
    const lena = stack.descope?.users().find((user) => user.loginIds[0] === "lena@acme.example");
    const mia = stack.descope?.users().find((user) => user.loginIds[0] === "mia@acme.example");
    expect(lena).toMatchObject({ familyName: "Schmidt" });
    expect(mia).toMatchObject({ status: "disabled" });
    expect((await reconcile("--dry-run")).rows).toEqual([]);
  });
});
