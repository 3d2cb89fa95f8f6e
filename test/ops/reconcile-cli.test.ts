import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DescopeSimulator, startDescopeSimulator } from "../../local/simulators/descope/simulator.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { runOperatorCli } from "../../shared/ops/operator-cli.ts";
import { type Dynalite, startDynalite } from "../aws/dynalite.ts";
import { awsError, type FakeAws, startFakeAws } from "../aws/fake-aws.ts";
import { type FakeSqsQueues, startFakeSqsQueues } from "../aws/fake-sqs-queues.ts";

const projectId = "P2cliProject0000000000000000";
const managementKey = "cli-key";
let dynamo: Dynalite;
let sqs: FakeSqsQueues;
let secrets: FakeAws;
let descope: DescopeSimulator;
let directory: string;
const saved = { ...process.env };

beforeAll(async () => {
  dynamo = await startDynalite();
  sqs = await startFakeSqsQueues();
  secrets = await startFakeAws(({ body }) =>
    body.SecretId === "idp-sync/descope"
      ? { body: { Name: body.SecretId, SecretString: `${projectId}:${managementKey}` } }
      : awsError(400, "ResourceNotFoundException", "no such secret"),
  );
  descope = await startDescopeSimulator({ projectId, managementKey });
  // The CLI builds its SDK clients as an operator's shell would: from the environment.
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "x",
    AWS_SECRET_ACCESS_KEY: "x",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.server.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  });
  directory = mkdtempSync(join(tmpdir(), "reconcile-cli-"));
  writeFileSync(
    join(directory, "idp-sync.config.json"),
    JSON.stringify({
      scim: [],
      providers: [{ type: "descope", secretName: "idp-sync/descope", baseUrl: descope.url }],
      fileSources: [
        {
          name: "acme-hr",
          format: "csv",
          person: "$['Employee ID']",
          mapping: {
            attributes: {
              loginId: "$['Work Email']",
              email: "$['Work Email']",
              givenName: "$['First Name']",
              familyName: "$['Last Name']",
            },
          },
        },
      ],
    }),
  );
  writeFileSync(
    join(directory, "export.csv"),
    "Employee ID,Work Email,First Name,Last Name\nE-1,ann.lee@acme.example,Ann,Lee\nE-2,bo.chen@acme.example,Bo,Chen\n",
  );
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([sqs.server.close(), secrets.close(), descope.close(), dynamo.stop()]);
});

async function cli(argv: string[], table: string) {
  const printed: string[] = [];
  const args = [
    "--config",
    join(directory, "idp-sync.config.json"),
    "--table",
    table,
    "--queue-url",
    sqs.url("changes"),
    ...argv,
  ];
  const code = await runOperatorCli("reconcile", args, {}, (text) => printed.push(text));
  return { code, output: printed.join("\n") };
}

describe("npm run reconcile, on the wire", () => {
  it("previews a CSV export against Descope and the state table, then applies it through the queue", async () => {
    const table = await dynamo.createStateTable();
    const existing = await fetch(`${descope.url}/v1/mgmt/user/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${projectId}:${managementKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        loginId: "ann.lee@acme.example",
        email: "ann.lee@acme.example",
        givenName: "Ann",
      }),
    });
    expect(existing.status).toBe(200);

    const preview = await cli(
      ["--source", "acme-hr", "--file", join(directory, "export.csv"), "--dry-run"],
      table,
    );
    expect(preview.code).toBe(0);
    expect(preview.output).toContain("descope   1       0       0         0       1      0       0");
    expect(preview.output).toContain("descope  adopt   E-1  ***@acme.example  familyName");
    expect(preview.output).not.toContain("ann.lee");
    expect(sqs.messages("changes")).toEqual([]);

    const json = await cli(
      ["--source", "acme-hr", "--file", join(directory, "export.csv"), "--dry-run", "--json"],
      table,
    );
    expect(JSON.parse(json.output).rows).toEqual([
      {
        provider: "descope",
        action: "adopt",
        person: "E-1",
        userId: expect.any(String),
        loginId: "ann.lee@acme.example",
        attributes: ["familyName"],
      },
      { provider: "descope", action: "create", person: "E-2", loginId: "bo.chen@acme.example" },
    ]);

    const applied = await cli(["--source", "acme-hr", "--file", join(directory, "export.csv")], table);
    expect(applied.code).toBe(0);
    expect(
      sqs
        .messages("changes")
        .map((message) => JSON.parse(message.body).person)
        .sort(),
    ).toEqual(["E-1", "E-2"]);
    const store = new DynamoDbStateStore({ client: dynamo.client, tableName: table });
    const linked = (await store.get(["E-1"])).get("E-1")?.providers.descope;
    expect(linked).toMatchObject({
      userId: descope.users()[0]?.userId,
      user: { loginId: "ann.lee@acme.example", givenName: "Ann" },
    });
  });

  it("says what is wrong with a command line, with exit code 2", async () => {
    const table = await dynamo.createStateTable();
    const noSource = await cli(["--file", "export.csv"], table);
    expect(noSource).toMatchObject({ code: 2, output: expect.stringContaining("--file needs --source") });
    const unknown = await cli(["--source", "nope", "--dry-run"], table);
    expect(unknown).toMatchObject({ code: 1, output: 'no directory source named "nope"' });
  });
});
