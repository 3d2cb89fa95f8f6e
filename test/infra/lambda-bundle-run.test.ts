import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleDirectory } from "../../bench/lambda-bundles.ts";
import { bundleFile, bundleLambda, type LambdaName } from "../../infra/lambda-bundle.ts";
import { type DescopeSimulator, startDescopeSimulator } from "../../local/simulators/descope/simulator.ts";
import { toRecord } from "../../local/sqs-poller.ts";
import { type Dynalite, startDynalite } from "../aws/dynalite.ts";
import { type FakeAws, offlineAwsEnvironment, startFakeAws } from "../aws/fake-aws.ts";
import { type FakeSqs, startFakeSqs } from "../aws/fake-sqs.ts";
import { example } from "./configs.ts";

/** Imports the bundle in a fresh node, calls its handler with one event, prints the answer. */
const invoker = `
const { handler } = await import(process.argv[1]);
const event = JSON.parse(process.argv[2]);
const name = process.argv[3];
const context = { functionName: name, functionVersion: "$LATEST", memoryLimitInMB: "512",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:" + name, awsRequestId: "r-1",
  getRemainingTimeInMillis: () => 60000 };
process.stdout.write("RESULT " + JSON.stringify(await handler(event, context)) + "\\n");
// Lambda freezes the sandbox after the answer; open keep-alive sockets must not hold this process.
process.exit(0);`;

/** Runs a child process to its end; its output. */
function run(command: string, args: string[], options: { env: NodeJS.ProcessEnv }) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", () => resolve({ stdout, stderr }));
  });
}

/** Calls the handler of a bundle in `dir` in a fresh node with `env` only; its answer. */
async function invokeBundle(dir: string, name: LambdaName, event: unknown, env: NodeJS.ProcessEnv) {
  // Asynchronously: the fakes answer from this process, which must not block on the child.
  const child = await run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      invoker,
      pathToFileURL(join(dir, name, bundleFile)).href,
      JSON.stringify(event),
      name,
    ],
    { env: { PATH: process.env.PATH ?? "", POWERTOOLS_LOG_LEVEL: "ERROR", ...env } },
  );
  const line = child.stdout.split("\n").find((output) => output.startsWith("RESULT "));
  expect(line, child.stderr.slice(-3000)).toBeDefined();
  return JSON.parse((line as string).slice("RESULT ".length));
}

const scimToken = "bundle-test-token";
const descopeProject = "P2bundletest";
const descopeKey = "K-bundle";
const secretValues: Record<string, string> = {
  "idp-sync/scim-token": scimToken,
  "idp-sync/descope": `${descopeProject}:${descopeKey}`,
};
const user = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  externalId: "E-42",
  userName: "ann.lee@example.com",
  name: { givenName: "Ann", familyName: "Lee" },
  emails: [{ value: "ann.lee@example.com", type: "work", primary: true }],
  active: true,
};

describe("the deployed bundles", () => {
  let dir: string;
  let dynamo: Dynalite;
  let sqs: FakeSqs;
  let secrets: FakeAws;
  let descope: DescopeSimulator;
  const awsEnvironment = () => ({
    QUEUE_URL: sqs.queueUrl,
    ...offlineAwsEnvironment({
      dynamodb: dynamo.endpoint,
      sqs: sqs.server.endpoint,
      secretsManager: secrets.endpoint,
    }),
  });
  beforeAll(async () => {
    dir = bundleDirectory();
    await Promise.all((["ingest", "sync"] as const).map((name) => bundleLambda(name, join(dir, name))));
    dynamo = await startDynalite();
    sqs = await startFakeSqs();
    secrets = await startFakeAws(({ body }) => ({
      body: {
        Name: body.SecretId,
        ARN: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${body.SecretId}`,
        SecretString: secretValues[body.SecretId as string],
      },
    }));
    descope = await startDescopeSimulator({ projectId: descopeProject, managementKey: descopeKey });
  });
  afterAll(async () => {
    await Promise.all([dynamo.stop(), sqs.server.close(), secrets.close(), descope.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("ingest serves a SCIM create through the bundled SDK: token from Secrets Manager, record in DynamoDB, change in SQS", async () => {
    const table = await dynamo.createStateTable();
    const body = JSON.stringify(user);
    const event = {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/scim/v2/Users",
      rawQueryString: "",
      headers: {
        authorization: `Bearer ${scimToken}`,
        "content-type": "application/scim+json",
        host: "api.example.com",
        "x-forwarded-proto": "https",
      },
      requestContext: {
        http: {
          method: "POST",
          path: "/scim/v2/Users",
          protocol: "HTTP/1.1",
          sourceIp: "192.0.2.1",
          userAgent: "t",
        },
        requestId: "req-1",
        routeKey: "$default",
        stage: "$default",
        timeEpoch: Date.now(),
      },
      body: Buffer.from(body).toString("base64"),
      isBase64Encoded: true,
    };
    const result = await invokeBundle(dir, "ingest", event, {
      ...awsEnvironment(),
      IDP_SYNC_CONFIG: JSON.stringify({ ...example, scim: { tokenSecretName: "idp-sync/scim-token" } }),
      STATE_TABLE: table,
    });
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toMatchObject({ id: "E-42", userName: "ann.lee@example.com" });
    expect(secrets.requests.map((request) => request.body.SecretId)).toContain("idp-sync/scim-token");
    const sent = sqs
      .batches()
      .flat()
      .map((entry) => JSON.parse(entry.MessageBody));
    expect(sent).toEqual([expect.objectContaining({ person: "E-42", source: "scim" })]);
  });

  it("sync applies a joiner to Descope through the bundled SDK, with the phone read in the configured region", async () => {
    const table = await dynamo.createStateTable();
    const change = {
      id: "hr-1",
      source: "hr",
      person: "P-7",
      at: "2026-12-01T09:00:00Z",
      kind: "upsert",
      attributes: {
        loginId: "bo.berg@example.com",
        email: "bo.berg@example.com",
        givenName: "Bo",
        familyName: "Berg",
        phone: "044 668 18 00",
        active: true,
      },
    };
    const event = {
      Records: [
        toRecord({ messageId: "m-1", receiptHandle: "m-1#1", receiveCount: 1, body: JSON.stringify(change) }),
      ],
    };
    const dlqUrl = `${sqs.server.endpoint}/000000000000/idp-sync-dead-letters`;
    const result = await invokeBundle(dir, "sync", event, {
      ...awsEnvironment(),
      IDP_SYNC_CONFIG: JSON.stringify({
        ...example,
        phoneDefaultRegion: "CH",
        providers: [
          { type: "descope", name: "descope", secretName: "idp-sync/descope", baseUrl: descope.url },
        ],
      }),
      STATE_TABLE: table,
      DLQ_URL: dlqUrl,
    });
    expect(result).toEqual({ batchItemFailures: [] });
    const creates = descope.requests().filter((request) => request.path === "/v1/mgmt/user/create/batch");
    expect(creates.map((request) => request.body)).toEqual([
      {
        users: [
          {
            loginId: "bo.berg@example.com",
            email: "bo.berg@example.com",
            phone: "+41446681800",
            givenName: "Bo",
            familyName: "Berg",
          },
        ],
      },
    ]);
    const deadLetters = sqs.server.requests.filter((request) => request.body.QueueUrl === dlqUrl);
    expect(deadLetters).toEqual([]);
    expect(descope.users()).toEqual([
      expect.objectContaining({ loginIds: ["bo.berg@example.com"], phone: "+41446681800", givenName: "Bo" }),
    ]);
  });
});
