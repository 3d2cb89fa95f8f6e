import { describe, expect, it } from "vitest";
import { LocalSecrets } from "../../local/local-secrets.ts";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { parseConfig } from "../../shared/config/schema.ts";
import type { IngestRequest } from "../../shared/ingest/request.ts";
import { routeIngestRequest } from "../../shared/ingest/router.ts";
import type { Log } from "../../shared/sync/ports.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const token = "test-token";
const receivedAt = Date.UTC(2026, 10, 22, 12, 0, 0);

function setup() {
  const queue = new MemoryQueue({ maxReceiveCount: 3, visibilityTimeoutMs: 1000 });
  const config = parseConfig({
    scim: { tokenSecretName: "scim-token" },
    providers: [{ type: "descope", secretName: "descope-key" }],
  });
  const deps = {
    config,
    queue,
    secrets: new LocalSecrets({ "scim-token": token }),
    store: new MemoryStateStore(),
    log: silent,
    newChangeId: () => "change-1",
  };
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const request: IngestRequest = {
      method,
      path,
      headers: { authorization: `Bearer ${token}`, host: "idp-sync.example.com", ...headers },
      query: new URLSearchParams(),
      rawBody: Buffer.from(typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body)),
      receivedAt,
    };
    return routeIngestRequest(request, deps);
  };
  const queued = () => queue.receive(100).map((message) => JSON.parse(message.body));
  return { send, queued };
}

const ann = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  externalId: "E-1001",
  userName: "ann@example.com",
  name: { givenName: "Ann", familyName: "Lee" },
  emails: [
    { value: "ann.private@example.org", type: "home" },
    { value: "ann@example.com", type: "work", primary: true },
  ],
  active: true,
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    department: "R&D",
    manager: { value: "E-7" },
  },
};

describe("ingest routes", () => {
  it("answers the health check without auth", async () => {
    const response = await routeIngestRequest(
      {
        method: "GET",
        path: "/health",
        headers: {},
        query: new URLSearchParams(),
        rawBody: Buffer.alloc(0),
        receivedAt,
      },
      {} as never,
    );
    expect(response).toMatchObject({ status: 200, body: '{"status":"ok"}' });
  });

  it("creates a SCIM user: 201, Location, id = the person key, and one queued replace change", async () => {
    const { send, queued } = setup();
    const response = await send("POST", "/scim/v2/Users", ann);
    expect(response.status).toBe(201);
    expect(response.headers).toEqual({
      "content-type": "application/scim+json",
      location: "https://idp-sync.example.com/scim/v2/Users/E-1001",
    });
    const resource = JSON.parse(response.body);
    expect(resource).toMatchObject({
      id: "E-1001",
      externalId: "E-1001",
      userName: "ann@example.com",
      active: true,
    });
    expect(resource.emails).toEqual([{ value: "ann@example.com", type: "work", primary: true }]);
    expect(queued()).toEqual([
      {
        id: "change-1",
        source: "scim",
        person: "E-1001",
        at: "2026-11-22T12:00:00.000Z",
        kind: "replace",
        attributes: {
          loginId: "ann@example.com",
          email: "ann@example.com",
          emailVerified: true,
          phone: null,
          givenName: "Ann",
          middleName: null,
          familyName: "Lee",
          displayName: null,
          picture: null,
          title: null,
          department: "R&D",
          employeeNumber: null,
          costCenter: null,
          manager: "E-7",
          roles: null,
          active: true,
        },
      },
    ]);
  });

  it("replaces a user with PUT /Users/{id}, keyed by the path id", async () => {
    const { send, queued } = setup();
    const response = await send("PUT", "/scim/v2/Users/E-1001", {
      ...ann,
      externalId: undefined,
      active: "False",
    });
    expect(response.status).toBe(200);
    expect(queued()[0]).toMatchObject({ person: "E-1001", kind: "replace", attributes: { active: false } });
  });

  it("refuses a missing or wrong token with 401 and queues nothing", async () => {
    const { send, queued } = setup();
    for (const authorization of ["", "Bearer wrong", `Basic ${token}`, `Bearer ${token}x`]) {
      const response = await send("POST", "/scim/v2/Users", ann, { authorization });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        status: "401",
        detail: "missing or invalid bearer token",
      });
    }
    expect(queued()).toEqual([]);
  });

  it("answers malformed bodies with a SCIM 400", async () => {
    const { send } = setup();
    const notJson = await send("POST", "/scim/v2/Users", "{");
    expect(JSON.parse(notJson.body)).toMatchObject({ status: "400", scimType: "invalidSyntax" });
    const noUserName = await send("POST", "/scim/v2/Users", { ...ann, userName: undefined });
    expect(noUserName.status).toBe(400);
    expect(JSON.parse(noUserName.body)).toMatchObject({ scimType: "invalidValue" });
    const badId = await send("PUT", "/scim/v2/Users/%E0%A4%A", ann);
    expect(badId.status).toBe(400);
  });

  it("answers 404 for unknown routes and 413 for bodies over the limit", async () => {
    const { send } = setup();
    expect((await send("GET", "/nope")).status).toBe(404);
    expect((await send("GET", "/scim/v2/Nope")).status).toBe(404);
    const huge = await send("POST", "/scim/v2/Users", "x".repeat(1024 * 1024 + 1));
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ status: "413", scimType: "tooLarge" });
  });
});
