import { createHmac } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../functions/ingest/create-handler.ts";
import { lambdaContext } from "../../local/api-gateway-server.ts";
import { LocalSecrets } from "../../local/local-secrets.ts";
import { MemoryChangeScheduler } from "../../local/memory-change-scheduler.ts";
import { MemoryReplayGuard } from "../../local/memory-replay-guard.ts";
import { MemoryScimGroupStore } from "../../local/memory-scim-group-store.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { parseConfig } from "../../shared/config/schema.ts";
import type { WebhookSourceInput } from "../../shared/config/webhooks.ts";
import type { IngestDeps } from "../../shared/ingest/router.ts";
import { createLogger } from "../../shared/logging/logger.ts";
import type { ChangeQueue } from "../../shared/sync/ports.ts";
import { acmeHr, acmeSecret } from "../sources/webhooks/acme-hr.ts";

/**
 * Hostile input (issue 7, item 5): random and mutated bodies, headers, methods, paths, queries and sizes
 * thrown at every ingest route through the real ingest Lambda handler (middy, Powertools, API Gateway
 * event translation, router), called in-process: never a 5xx, never a crash (the handler turns a throw
 * into 503, so a 5xx is also how a crash shows), every error a JSON body; bodies over the limit 413; bad
 * tokens and signatures 401. Replay a failure with FUZZ_SEED and the path fast-check prints.
 */
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? 7_007);
const maxBodyBytes = 16 * 1024;
const scimToken = "fuzz-scim-token";
const secretsByName: Record<string, string> = {
  "scim-token": scimToken,
  "bamboohr-webhook": "bamboo-signing-key",
  "bamboohr-api": "bamboo-api-key",
  "hibob-webhook": "bob-signing-key",
  "hibob-api": "SERVICE:bob-token",
  "personio-webhook": "personio-webhook-token",
  "personio-api": "client:client-secret",
  "standard-webhook": `whsec_${Buffer.from("standard-signing-key-0123456789").toString("base64")}`,
  "acme-hr-signing": acmeSecret,
  "acme-hr-signing-next": "acme-next",
};

const standardSource: WebhookSourceInput = {
  type: "standard-webhooks",
  name: "standard",
  secretNames: ["standard-webhook"],
  mapping: {
    events: [
      {
        type: "$.type",
        actions: { "person.created": "hire", "person.updated": "update", "person.left": "terminate" },
        person: "$.data.id",
        at: "$.timestamp",
        record: "$.data",
      },
    ],
    attributes: { loginId: "$.email", email: "$.email", givenName: "$.first", familyName: "$.last" },
  },
};

const webhookSources: WebhookSourceInput[] = [
  {
    type: "bamboohr",
    name: "bamboohr",
    secretNames: ["bamboohr-webhook"],
    api: { baseUrl: "http://127.0.0.1:9", apiKeySecretName: "bamboohr-api" },
  },
  {
    type: "hibob",
    name: "hibob",
    secretNames: ["hibob-webhook"],
    api: { baseUrl: "http://127.0.0.1:9", credentialsSecretName: "hibob-api" },
  },
  {
    type: "personio",
    name: "personio",
    secretNames: ["personio-webhook"],
    api: { baseUrl: "http://127.0.0.1:9", credentialsSecretName: "personio-api" },
  },
  standardSource,
  acmeHr,
];

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;
let queued = 0;

beforeAll(() => {
  const config = parseConfig({
    scim: { tokenSecretName: "scim-token", groupMappings: [{ group: "Admins", roles: ["admin"] }] },
    providers: [{ type: "descope", secretName: "descope-key" }],
    webhooks: webhookSources,
    maxBodyBytes,
  });
  // Counts what would be sent to SQS; keeping it would only grow memory over 100,000 cases.
  const queue: ChangeQueue = {
    send: async (changes) => {
      queued += changes.length;
      return [];
    },
  };
  const logger = createLogger("fuzz", "SILENT");
  const deps: IngestDeps = {
    config,
    queue,
    secrets: new LocalSecrets(secretsByName),
    store: new MemoryStateStore(),
    log: logger,
    scheduler: new MemoryChangeScheduler(queue),
    replayGuard: new MemoryReplayGuard(),
    scimGroups: new MemoryScimGroupStore(),
  };
  const ingest = createIngestHandler(deps, logger);
  handler = (event) => ingest(event, lambdaContext("ingest")) as Promise<APIGatewayProxyStructuredResultV2>;
});

afterAll(() => {
  console.log(
    `fuzz: ${runsPerRoute} cases per route (seed ${seed}); ${queued} changes would have been queued`,
  );
});

interface Case {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
  /** What the case must be answered with, beyond "no 5xx, JSON errors". */
  expect?: "401" | "413";
}

function event(input: Case, now: number): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: input.path,
    rawQueryString: input.query,
    headers: input.headers,
    requestContext: {
      accountId: "fuzz",
      apiId: "fuzz",
      domainName: "idp-sync.example.com",
      domainPrefix: "idp-sync",
      http: {
        method: input.method,
        path: input.path,
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.1",
        userAgent: "fc",
      },
      requestId: "fuzz",
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    ...(input.body.length > 0
      ? { body: input.body.toString("base64"), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2;
}

/** Sends one case and checks what every answer must satisfy; answers the status. */
async function check(input: Case, now = Date.now()): Promise<number> {
  let result: APIGatewayProxyStructuredResultV2;
  try {
    result = await handler(event(input, now));
  } catch (error) {
    throw new Error(`the handler threw: ${String(error)}`);
  }
  const status = result.statusCode ?? 200;
  const describe = () =>
    `${input.method} ${input.path}?${input.query} (${input.body.length} bytes) → ${status} ${String(result.body).slice(0, 200)}`;
  // RFC 7644 §3.11 prescribes 501 for /Me when it is not supported: the one 5xx an ingest route may give.
  const me = /^\/scim\/(?:[^/]+\/)?v2\/me(?:\/|$)/i.test(input.path);
  if (status >= 500 && !(me && status === 501)) throw new Error(`5xx: ${describe()}`);
  if (status >= 400) {
    const type = String(result.headers?.["content-type"] ?? "");
    if (!/json/.test(type)) throw new Error(`error without a JSON content type: ${describe()}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(result.body));
    } catch {
      throw new Error(`error body is not JSON: ${describe()}`);
    }
    if (typeof parsed !== "object" || parsed === null || !("error" in parsed || "detail" in parsed))
      throw new Error(`error body says nothing: ${describe()}`);
  }
  if (input.expect === "413" && status !== 413) throw new Error(`expected 413: ${describe()}`);
  if (input.expect === "401" && status !== 401 && !(input.body.length > maxBodyBytes && status === 413))
    throw new Error(`expected 401: ${describe()}`);
  return status;
}

// ---- arbitraries ----

const methods = fc.constantFrom(
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "get",
  "TRACE",
  "BREW",
);
const junk = fc.string({ maxLength: 40, unit: "binary" });
const headerValue = fc.oneof(junk, fc.string({ maxLength: 200 }), fc.constantFrom("", " ", "\u0000", "null"));
const extraHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom("content-type", "content-length", "x-forwarded-proto", "host", "accept", "x-amz-date"),
    fc.string({ minLength: 1, maxLength: 12 }).map((name) => name.toLowerCase()),
  ),
  headerValue,
  { maxKeys: 4 },
);
const contentType = fc.constantFrom(
  "application/json",
  "application/scim+json",
  "application/scim+json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
);

/** A JSON text: random values, deep nesting, long strings, odd numbers and unicode. */
const jsonText = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? "null") },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 6000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3000 })
      .map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "1e999",
      "-0",
      "NaN",
      '"\\ud800"',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
      "{",
      "[1,]",
      "\ufeff{}",
      "null",
      "true",
      '""',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ minLength: 0, maxLength: 8000 })
      .map((text) => JSON.stringify({ userName: text, displayName: text })),
  },
);

/** Sets, replaces or deletes values deep inside a valid template, the way broken clients do. */
function mutated(template: unknown): fc.Arbitrary<string> {
  const edits = fc.array(
    fc.record({
      path: fc.array(fc.oneof(fc.constantFrom(...keysOf(template)), fc.string({ maxLength: 8 }), fc.nat(5)), {
        minLength: 1,
        maxLength: 3,
      }),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.string({ maxLength: 3000 })),
    }),
    { minLength: 1, maxLength: 4 },
  );
  return edits.map((list) => {
    const copy = structuredClone(template) as Record<string | number, unknown>;
    for (const { path, value } of list) setPath(copy, path, value);
    return JSON.stringify(copy);
  });
}

function keysOf(value: unknown, into = new Set<string>()): string[] {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      keysOf(item, into);
    }
  return into.size > 0 ? [...into] : ["x"];
}

function setPath(target: Record<string | number, unknown>, path: (string | number)[], value: unknown) {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path.at(-1) as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const bytes = (text: string) => Buffer.from(text, "utf8");
const randomBytes = fc.uint8Array({ maxLength: 3000 }).map((array) => Buffer.from(array));
const oversized = fc
  .integer({ min: maxBodyBytes + 1, max: maxBodyBytes * 3 })
  .map((size) => Buffer.alloc(size, "{"));

function bodies(templates: unknown[]): fc.Arbitrary<{ body: Buffer; oversized: boolean }> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ body: Buffer.alloc(0), oversized: false }) },
    { weight: 2, arbitrary: randomBytes.map((body) => ({ body, oversized: false })) },
    { weight: 4, arbitrary: jsonText.map((text) => ({ body: bytes(text), oversized: false })) },
    ...templates.map((template) => ({
      weight: 6,
      arbitrary: mutated(template).map((text) => ({ body: bytes(text), oversized: false })),
    })),
    ...templates.map((template) => ({
      weight: 2,
      arbitrary: fc.constant({ body: bytes(JSON.stringify(template)), oversized: false }),
    })),
    { weight: 1, arbitrary: oversized.map((body) => ({ body, oversized: true })) },
  );
}

const query = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 60 }),
  fc
    .record(
      {
        filter: fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.constantFrom(
            'userName eq "ann"',
            'emails[type eq "work" and value co "@"]',
            "not (active pr)",
            'meta.lastModified gt "2026-01-01"',
            "((((((",
            'userName eq "\\"',
            "members[value eq 1]",
          ),
        ),
        startIndex: fc.oneof(fc.integer().map(String), fc.string({ maxLength: 5 })),
        count: fc.oneof(fc.integer().map(String), fc.string({ maxLength: 5 })),
        attributes: fc.string({ maxLength: 30 }),
        excludedAttributes: fc.string({ maxLength: 30 }),
        sortBy: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: [] },
    )
    .map((params) => new URLSearchParams(params as Record<string, string>).toString()),
);

type Auth = "valid" | "missing" | "wrong" | "junk";
const auth = fc.constantFrom<Auth>("valid", "valid", "valid", "valid", "valid", "missing", "wrong", "junk");
const authorization = (kind: Auth): Record<string, string> =>
  kind === "valid"
    ? { authorization: `Bearer ${scimToken}` }
    : kind === "wrong"
      ? { authorization: `Bearer ${scimToken}x` }
      : kind === "junk"
        ? { authorization: "Basic Zm9vOmJhcg==" }
        : {};

// ---- SCIM ----

const scimUser = {
  schemas: [
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  ],
  externalId: "ext-1",
  userName: "ann@example.com",
  name: { givenName: "Ann", familyName: "Lee", middleName: "Q" },
  displayName: "Ann Lee",
  active: true,
  emails: [{ value: "ann@example.com", type: "work", primary: true }],
  phoneNumbers: [{ value: "+4915112345678", type: "mobile" }],
  title: "Engineer",
  password: "s3cret-Pa55",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    department: "R&D",
    manager: { value: "m-1" },
    employeeNumber: "42",
  },
};
const scimPatch = {
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations: [
    { op: "replace", path: "active", value: false },
    { op: "add", path: 'emails[type eq "work"].value', value: "x@example.com" },
    { op: "remove", path: "name.middleName" },
    { op: "Replace", value: { displayName: "X", "name.givenName": "Y" } },
  ],
};
const scimGroup = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  displayName: "Admins",
  members: [{ value: "u-1", display: "Ann" }],
};
const scimGroupPatch = {
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations: [
    { op: "add", path: "members", value: [{ value: "u-2" }] },
    { op: "remove", path: 'members[value eq "u-1"]' },
  ],
};
const scimBulk = {
  schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
  failOnErrors: 1,
  Operations: [
    { method: "POST", path: "/Users", bulkId: "a", data: scimUser },
    { method: "PATCH", path: "/Users/bulkId:a", data: scimPatch },
    {
      method: "POST",
      path: "/Groups",
      bulkId: "g",
      data: { ...scimGroup, members: [{ value: "bulkId:a" }] },
    },
    { method: "DELETE", path: "/Users/u-9" },
  ],
};
const scimSearch = {
  schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
  filter: 'userName sw "a"',
  startIndex: 1,
  count: 10,
  attributes: ["userName"],
};

const segment = fc.oneof(
  fc.constantFrom(
    "u-1",
    "ann",
    ".search",
    "%",
    "%E0%A4%A",
    "..",
    "%2F",
    "bulkId:a",
    "00000000-0000-0000-0000-000000000000",
  ),
  fc.string({ minLength: 1, maxLength: 40 }).map((text) => encodeURIComponent(text)),
);
const prefix = fc.oneof(
  { weight: 8, arbitrary: fc.constant("/scim/v2") },
  { weight: 1, arbitrary: fc.constantFrom("/scim/scim/v2", "/SCIM/V2", "/scim/other/v2") },
);
const scimMethods = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("POST", "PUT", "PATCH", "GET") },
  { weight: 1, arbitrary: methods },
);

function scimCase(resources: fc.Arbitrary<string>, templates: unknown[]): fc.Arbitrary<Case> {
  return fc
    .record({
      method: scimMethods,
      prefix,
      resource: resources,
      id: fc.option(segment, { nil: undefined }),
      trailing: fc.boolean(),
      query,
      auth,
      contentType,
      extra: extraHeaders,
      body: bodies(templates),
    })
    .map((drawn) => {
      const path = `${drawn.prefix}${drawn.resource}${drawn.id ? `/${drawn.id}` : ""}${drawn.trailing ? "/" : ""}`;
      const headers = { ...drawn.extra, "content-type": drawn.contentType, ...authorization(drawn.auth) };
      const knownSource = !/\/scim\/other\//i.test(path);
      return {
        method: drawn.method,
        path,
        query: drawn.query,
        headers,
        body: drawn.body.body,
        ...(drawn.body.oversized
          ? { expect: "413" as const }
          : drawn.auth !== "valid" && knownSource
            ? { expect: "401" as const }
            : {}),
      };
    });
}

// ---- webhooks ----

const hmac = (
  algorithm: string,
  key: string | Buffer,
  content: string | Buffer,
  encoding: "hex" | "base64",
) => createHmac(algorithm, key).update(content).digest(encoding);

/** Valid signature headers for a body, as each vendor signs. */
function signed(source: string, body: Buffer, now: number, id: string): Record<string, string> {
  const seconds = String(Math.floor(now / 1000));
  switch (source) {
    case "bamboohr":
      return {
        "x-bamboohr-timestamp": seconds,
        "x-bamboohr-signature": hmac(
          "sha256",
          secretsByName["bamboohr-webhook"] as string,
          Buffer.concat([body, Buffer.from(seconds)]),
          "hex",
        ),
      };
    case "hibob":
      return { "bob-signature": hmac("sha512", secretsByName["hibob-webhook"] as string, body, "base64") };
    case "personio":
      return { authorization: secretsByName["personio-webhook"] as string };
    case "standard": {
      const key = Buffer.from((secretsByName["standard-webhook"] as string).slice("whsec_".length), "base64");
      const content = Buffer.concat([Buffer.from(`${id}.${seconds}.`), body]);
      return {
        "webhook-id": id,
        "webhook-timestamp": seconds,
        "webhook-signature": `v1,${hmac("sha256", key, content, "base64")}`,
      };
    }
    default:
      return {
        "x-acme-timestamp": seconds,
        "x-acme-signature": `sha256=${hmac("sha256", acmeSecret, Buffer.concat([Buffer.from(`${seconds}.`), body]), "hex")}`,
      };
  }
}

/** Headers that must not verify: none, another key, a stale time, a flipped character, junk. */
function forged(source: string, body: Buffer, now: number, id: string, how: number): Record<string, string> {
  const good = signed(source, body, now, id);
  switch (how % 4) {
    case 0:
      return {};
    case 1:
      return source === "personio"
        ? { authorization: (good.authorization as string).slice(1) }
        : signed(source, Buffer.concat([body, Buffer.from(" ")]), now, id);
    case 2:
      return source === "personio" || source === "hibob"
        ? Object.fromEntries(Object.entries(good).map(([k, v]) => [k, `${v}x`]))
        : signed(source, body, now - 3_600_000, id);
    default:
      return Object.fromEntries(Object.keys(good).map((name) => [name, "AAAA=="]));
  }
}

const hrTemplates: Record<string, unknown[]> = {
  bamboohr: [
    {
      type: "employee.updated",
      data: {
        id: "123",
        changedFields: ["firstName"],
        fields: { firstName: "Ann", lastName: "Lee", workEmail: "ann@example.com" },
      },
    },
    {
      employees: [
        { id: "42", action: "Updated", changedFields: ["Department"], fields: { department: "R&D" } },
      ],
    },
  ],
  hibob: [
    {
      companyId: 1,
      type: "employee.updated",
      employee: { id: "3" },
      creationDate: "2026-03-20T09:00:00Z",
      id: "evt-1",
    },
    { text: "Ping test" },
  ],
  personio: [{ id: "evt-9", type: "employee.updated", data: { id: 7 }, created_at: "2026-03-20T09:00:00Z" }],
  standard: [
    {
      type: "person.updated",
      timestamp: "2026-03-20T09:00:00Z",
      data: { id: "p1", email: "ann@example.com", first: "Ann", last: "Lee" },
    },
  ],
  "acme-hr": [
    {
      event: "employee.terminated",
      event_id: "e-1",
      occurred_at: "2026-03-20T09:00:00Z",
      employee: {
        id: "E1",
        work_email: "ann@example.com",
        first_name: "Ann",
        last_name: "Lee",
        termination: { date: "2026-03-31", time_zone: "Europe/Berlin" },
      },
    },
  ],
};

function webhookCase(source: string): fc.Arbitrary<Case> {
  return fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant("POST") }, { weight: 1, arbitrary: methods }),
      signature: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat(3) }),
      id: fc.string({ minLength: 1, maxLength: 20 }),
      trailing: fc.boolean(),
      query,
      contentType,
      extra: extraHeaders,
      body: bodies(hrTemplates[source] ?? []),
    })
    .map((drawn) => {
      const now = Date.now();
      const body = drawn.body.body;
      const ping =
        source === "hibob" && /"text"\s*:\s*"Ping test"|^\s*Ping test\s*$/.test(body.toString("utf8"));
      const forgedHeaders =
        drawn.signature >= 0 ? forged(source, body, now, drawn.id, drawn.signature) : undefined;
      const headers = {
        ...drawn.extra,
        "content-type": drawn.contentType,
        ...(forgedHeaders ?? signed(source, body, now, drawn.id)),
      };
      const expectation = drawn.body.oversized
        ? { expect: "413" as const }
        : forgedHeaders && drawn.method === "POST" && !ping
          ? { expect: "401" as const }
          : {};
      return {
        method: drawn.method,
        path: `/webhooks/${source}${drawn.trailing ? "/" : ""}`,
        query: drawn.query,
        headers,
        body,
        ...expectation,
      };
    });
}

async function run(arbitrary: fc.Arbitrary<Case>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      const status = await check(input);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }),
    { numRuns: runsPerRoute, seed, endOnFailure: true },
  );
  return statuses;
}

const summary = (statuses: Map<number, number>) =>
  [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");

describe(`ingest fuzz: ${runsPerRoute} cases per route through the ingest handler`, () => {
  const routes: [string, () => fc.Arbitrary<Case>][] = [
    [
      "SCIM /Users",
      () =>
        scimCase(fc.constantFrom("/Users", "/users", "/Users/.search"), [scimUser, scimPatch, scimSearch]),
    ],
    [
      "SCIM /Groups",
      () => scimCase(fc.constantFrom("/Groups", "/groups"), [scimGroup, scimGroupPatch, scimSearch]),
    ],
    ["SCIM /Bulk", () => scimCase(fc.constantFrom("/Bulk", "/bulk"), [scimBulk])],
    [
      "SCIM discovery (/ServiceProviderConfig, /ResourceTypes, /Schemas, /Me, unknown)",
      () =>
        scimCase(
          fc.constantFrom(
            "/ServiceProviderConfig",
            "/ResourceTypes",
            "/Schemas",
            "/Me",
            "",
            "/Nope",
            "/Users/a/b",
          ),
          [{}],
        ),
    ],
    ...Object.keys(hrTemplates).map((source): [string, () => fc.Arbitrary<Case>] => [
      `/webhooks/${source}`,
      () => webhookCase(source),
    ]),
    [
      "/health and unknown routes",
      () =>
        fc
          .record({
            method: methods,
            path: fc.oneof(
              fc.constantFrom(
                "/health",
                "/health/",
                "/HEALTH",
                "/",
                "/webhooks/",
                "/webhooks/nope",
                "/webhooks/bamboohr/x",
                "/scim",
                "/scim/v3/Users",
                "//",
                "/%00",
              ),
              fc.string({ maxLength: 60 }).map((text) => `/${text}`),
            ),
            query,
            extra: extraHeaders,
            body: bodies([{}]),
          })
          .map((drawn) => ({
            method: drawn.method,
            path: drawn.path,
            query: drawn.query,
            headers: drawn.extra,
            body: drawn.body.body,
            ...(drawn.body.oversized && !(drawn.method === "GET" && drawn.path === "/health")
              ? { expect: "413" as const }
              : {}),
          })),
    ],
  ];

  for (const [name, arbitrary] of routes) {
    it(`${name}: ${runsPerRoute} cases, no 5xx, JSON errors, 413 and 401 where due`, async () => {
      const statuses = await run(arbitrary());
      console.log(`fuzz ${name}: ${summary(statuses)}`);
      expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(runsPerRoute);
    }, 300_000);
  }

  it("the properties can fail: a crash, a 5xx and a missing 401 are caught", async () => {
    // A request no route could answer well if the checks were wrong: the checker must reject these.
    const body = bytes(JSON.stringify({ nonce: Math.random() }));
    await expect(
      check({
        method: "POST",
        path: "/webhooks/hibob",
        query: "",
        headers: signed("hibob", body, Date.now(), "x"),
        body,
        expect: "401",
      }),
    ).rejects.toThrow(/expected 401/);
    await expect(
      check({ method: "GET", path: "/health", query: "", headers: {}, body: Buffer.alloc(0), expect: "413" }),
    ).rejects.toThrow(/expected 413/);
  });
});
