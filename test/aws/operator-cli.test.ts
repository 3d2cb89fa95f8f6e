import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbAuditTrail } from "../../shared/aws/dynamodb-audit-trail.ts";
import { DynamoDbDeprovisioningHolds } from "../../shared/aws/dynamodb-deprovisioning-holds.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { discardReason } from "../../shared/ops/guard-commands.ts";
import { runOperatorCli } from "../../shared/ops/operator-cli.ts";
import { entry } from "./audit-trail-contract.ts";
import { leaver } from "./deprovisioning-holds-contract.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";
import { type FakeSqsQueues, startFakeSqsQueues } from "./fake-sqs-queues.ts";
import { personRecord } from "./state-store-contract.ts";

let dynamo: Dynalite;
let sqs: FakeSqsQueues;
const saved = { ...process.env };
beforeAll(async () => {
  dynamo = await startDynalite();
  sqs = await startFakeSqsQueues();
  // The commands build their SDK clients as an operator's shell would: from the environment.
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "x",
    AWS_SECRET_ACCESS_KEY: "x",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.server.endpoint,
  });
});
afterAll(async () => {
  process.env = saved;
  await sqs.server.close();
  await dynamo.stop();
});

async function run(command: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const printed: string[] = [];
  const code = await runOperatorCli(command, argv, env, (text) => printed.push(text));
  return { code, output: printed.join("\n") };
}

describe("npm run guard / npm run redrive, on the wire", () => {
  it("lists, releases (requeue) and discards (dead letters) what the guard holds", async () => {
    const table = await dynamo.createStateTable();
    const holds = new DynamoDbDeprovisioningHolds({ client: dynamo.client, tableName: table });
    await holds.startHolding("descope", "2026-01-01T00:00:00.000Z");
    await holds.hold([leaver("p1", ["b1"]), leaver("p2", ["b2"]), leaver("p3", ["b3"], "zitadel")]);

    const listed = await run("guard", ["list"], { STATE_TABLE: table });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.output)).toMatchObject({
      holding: [{ provider: "descope" }],
      held: [{ person: "p1", changes: 1 }, { person: "p2" }, { person: "p3", provider: "zitadel" }],
    });

    const released = await run("guard", ["release", "--provider", "descope", "--table", table], {
      QUEUE_URL: sqs.url("changes"),
    });
    expect(JSON.parse(released.output)).toEqual({ released: 2, providers: ["descope"] });
    expect(
      sqs
        .messages("changes")
        .map((message) => message.body)
        .sort(),
    ).toEqual(["b1", "b2"]);
    expect([...(await holds.get("descope", ["p1", "p2"])).values()].every((held) => held.approved)).toBe(
      true,
    );
    expect((await holds.list()).holding).toEqual([]);

    const discarded = await run("guard", ["discard", "--provider", "zitadel", "--table", table], {
      DLQ_URL: sqs.url("dlq"),
    });
    expect(JSON.parse(discarded.output)).toEqual({ discarded: 1, providers: ["zitadel"] });
    expect(
      sqs.messages("dlq").map((message) => [message.body, message.attributes.reason?.StringValue]),
    ).toEqual([["b3", discardReason]]);
    expect((await holds.list("zitadel")).held).toEqual([]);
  });

  it("releases and discards one person's held leavers (--person) and stops holding once none is undecided", async () => {
    const table = await dynamo.createStateTable();
    const holds = new DynamoDbDeprovisioningHolds({ client: dynamo.client, tableName: table });
    await holds.startHolding("descope", "2026-01-01T00:00:00.000Z");
    await holds.hold([leaver("p1", ["q1"]), leaver("p2", ["q2"]), leaver("p2", ["q2"], "zitadel")]);
    const env = { STATE_TABLE: table, QUEUE_URL: sqs.url("person-changes"), DLQ_URL: sqs.url("person-dlq") };

    const released = await run("guard", ["release", "--person", "p2"], env);
    expect(JSON.parse(released.output)).toEqual({ released: 2, providers: ["zitadel"] });
    expect(sqs.messages("person-changes").map((message) => message.body)).toEqual(["q2"]);
    // p1 is still undecided at descope: descope keeps holding.
    expect((await holds.list()).holding.map((entry) => entry.provider)).toEqual(["descope"]);
    const discarded = await run("guard", ["discard", "--person", "p1", "--provider", "descope"], env);
    // p1 was the last undecided leaver at descope: descope stops holding.
    expect(JSON.parse(discarded.output)).toEqual({ discarded: 1, providers: ["descope"] });
    expect(sqs.messages("person-dlq").map((message) => message.body)).toEqual(["q1"]);

    expect((await holds.list()).holding).toEqual([]);
    expect((await holds.list("descope")).held).toEqual([{ ...leaver("p2", ["q2"]), approved: true }]);
  });

  it("shows a person's status from the table, by person id, loginId and change id", async () => {
    const table = await dynamo.createStateTable();
    await new DynamoDbStateStore({ client: dynamo.client, tableName: table }).put(personRecord("p1", 0));
    const at = Date.now() - 60_000;
    await new DynamoDbAuditTrail({ client: dynamo.client, tableName: table, retentionDays: 30 }).record([
      entry("p1", at, { changes: ["c-1"], userId: "U-p1" }),
    ]);
    await new DynamoDbDeprovisioningHolds({ client: dynamo.client, tableName: table }).hold([leaver("p1")]);

    const byPerson = await run("status", ["p1", "--json"], { STATE_TABLE: table });
    expect(byPerson.code).toBe(0);
    expect(JSON.parse(byPerson.output)).toMatchObject({
      found: true,
      via: "person",
      person: {
        providers: [{ provider: "descope", userId: "U-p1", confirmed: true }],
        held: [{ provider: "descope", op: "status", changes: 1 }],
        scheduled: null,
        audit: [{ outcome: "applied", changes: ["c-1"] }],
      },
    });
    const byChange = await run("status", ["c-1", "--table", table]);
    expect(byChange.output).toContain(`descope: applied at ${new Date(at).toISOString()}`);
    expect(byChange.output).toContain("Scheduled changes: not looked up");
    expect((await run("status", ["P1@example.com", "--json", "--table", table])).output).toContain(
      '"via": "loginId"',
    );
    expect(await run("status", ["p9", "--table", table])).toMatchObject({
      code: 1,
      output: expect.stringMatching(/^No person/),
    });
  });

  it("redrives the DLQ, after a dry run that moves nothing", async () => {
    sqs.put("dlq2", "letter-1", { reason: "unknown role admin" });
    sqs.put("dlq2", "letter-2", { reason: "not applied after 8 receives" });
    const env = { QUEUE_URL: sqs.url("changes2"), DLQ_URL: sqs.url("dlq2") };

    const dry = await run("redrive", ["--dry-run"], env);
    expect(JSON.parse(dry.output)).toMatchObject({ dryRun: true, letters: 2, moved: 0 });
    expect(dry.output).toContain("unknown role admin");
    expect(sqs.messages("changes2")).toEqual([]);

    const moved = await run("redrive", [], env);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.output)).toMatchObject({ letters: 2, moved: 2 });
    expect(
      sqs
        .messages("changes2")
        .map((message) => message.body)
        .sort(),
    ).toEqual(["letter-1", "letter-2"]);
    expect(sqs.messages("dlq2")).toEqual([]);
  });

  it("names what is missing and exits 2", async () => {
    expect(await run("guard", ["list"])).toMatchObject({
      code: 2,
      output: expect.stringContaining("--table"),
    });
    expect(await run("redrive", ["--max", "x"], { QUEUE_URL: "q", DLQ_URL: "d" })).toMatchObject({
      code: 2,
    });
  });
});
