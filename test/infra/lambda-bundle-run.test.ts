import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleDirectory } from "../../bench/lambda-bundles.ts";
import { bundleFile, bundleLambda } from "../../infra/lambda-bundle.ts";
import { type Dynalite, startDynalite } from "../aws/dynalite.ts";
import { type FakeAws, offlineAwsEnvironment, startFakeAws } from "../aws/fake-aws.ts";
import { type FakeSqs, startFakeSqs } from "../aws/fake-sqs.ts";
import { example } from "./configs.ts";

/** Imports the bundle in a fresh node, calls its handler with one API Gateway event, prints the answer. */
const invoker = `
const { handler } = await import(process.argv[1]);
const event = JSON.parse(process.argv[2]);
const context = { functionName: "ingest", functionVersion: "$LATEST", memoryLimitInMB: "512",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:ingest", awsRequestId: "r-1",
  getRemainingTimeInMillis: () => 10000 };
process.stdout.write("RESULT " + JSON.stringify(await handler(event, context)) + "\\n");`;

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

const scimToken = "bundle-test-token";
const user = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  externalId: "E-42",
  userName: "ann.lee@example.com",
  name: { givenName: "Ann", familyName: "Lee" },
  emails: [{ value: "ann.lee@example.com", type: "work", primary: true }],
  active: true,
};

describe("the deployed ingest bundle", () => {
  let dir: string;
  let dynamo: Dynalite;
  let sqs: FakeSqs;
  let secrets: FakeAws;
  beforeAll(async () => {
    dir = bundleDirectory();
    await bundleLambda("ingest", dir);
    dynamo = await startDynalite();
    sqs = await startFakeSqs();
    secrets = await startFakeAws(({ body }) => ({
      body: {
        Name: body.SecretId,
        ARN: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${body.SecretId}`,
        SecretString: scimToken,
      },
    }));
  });
  afterAll(async () => {
    await Promise.all([dynamo.stop(), sqs.server.close(), secrets.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves a SCIM create through the bundled SDK: token from Secrets Manager, record in DynamoDB, change in SQS", async () => {
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
    // Asynchronously: the fakes answer from this process, which must not block on the child.
    const child = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        invoker,
        pathToFileURL(join(dir, bundleFile)).href,
        JSON.stringify(event),
      ],
      {
        env: {
          PATH: process.env.PATH ?? "",
          IDP_SYNC_CONFIG: JSON.stringify({ ...example, scim: { tokenSecretName: "idp-sync/scim-token" } }),
          QUEUE_URL: sqs.queueUrl,
          STATE_TABLE: table,
          ...offlineAwsEnvironment({
            dynamodb: dynamo.endpoint,
            sqs: sqs.server.endpoint,
            secretsManager: secrets.endpoint,
          }),
          POWERTOOLS_LOG_LEVEL: "ERROR",
        },
      },
    );
    const line = child.stdout.split("\n").find((output) => output.startsWith("RESULT "));
    expect(line, child.stderr.slice(-3000)).toBeDefined();
    const result = JSON.parse((line as string).slice("RESULT ".length));
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toMatchObject({ id: "E-42", userName: "ann.lee@example.com" });
    expect(secrets.requests.map((request) => request.body.SecretId)).toEqual(["idp-sync/scim-token"]);
    const sent = sqs
      .batches()
      .flat()
      .map((entry) => JSON.parse(entry.MessageBody));
    expect(sent).toEqual([expect.objectContaining({ person: "E-42", source: "scim" })]);
  });
});
