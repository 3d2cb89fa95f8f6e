import { describe, expect, it } from "vitest";
import { routeIngestRequest } from "../../shared/ingest/router.ts";
import { scimErrorBody, scimHarness } from "../sources/scim/harness.ts";

const receivedAt = Date.UTC(2026, 10, 22, 12, 0, 0);

const twoSources = () =>
  scimHarness(
    [
      { name: "okta", tokenSecretName: "okta-token" },
      { name: "entra", tokenSecretName: "entra-token", emailsVerified: false },
    ],
    { secrets: { "okta-token": "okta-secret", "entra-token": "entra-secret" } },
  );

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
    expect(response).toEqual({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"status":"ok"}',
    });
  });

  it("refuses a missing or wrong token with 401 and queues nothing", async () => {
    const scim = scimHarness();
    for (const token of [null, "wrong", "scim-test-tokenx"]) {
      const response = await scim.send("POST", "/Users", { userName: "ann" }, { token });
      expect(response).toEqual({
        status: 401,
        headers: { "content-type": "application/scim+json" },
        body: scimErrorBody(401, undefined, "missing or invalid bearer token"),
      });
    }
    const basic = await scim.send("GET", "/Users", undefined, {
      token: null,
      headers: { authorization: "Basic scim-test-token" },
    });
    expect(basic.status).toBe(401);
    expect(scim.queued()).toEqual([]);
  });

  it("accepts a rotated token once the secret holds it", async () => {
    const scim = scimHarness();
    scim.secrets.set("scim-token", "rotated");
    expect((await scim.send("GET", "/Users", undefined, { token: "rotated" })).status).toBe(200);
    expect((await scim.send("GET", "/Users")).status).toBe(401);
  });

  it("serves several SCIM sources: /scim/v2 picks the source by token, /scim/<name>/v2 takes only its own", async () => {
    const scim = twoSources();
    const viaShared = await scim.send(
      "POST",
      "/scim/v2/Users",
      { userName: "ann@example.com", emails: [{ value: "ann@example.com" }] },
      {
        token: "entra-secret",
      },
    );
    expect(viaShared.status).toBe(201);
    expect(viaShared.headers.location).toBe("https://idp-sync.example.com/scim/v2/Users/ann%40example.com");
    const viaOwn = await scim.send(
      "POST",
      "/scim/okta/v2/Users",
      { userName: "bob@example.com" },
      { token: "okta-secret" },
    );
    expect(viaOwn.headers.location).toBe("https://idp-sync.example.com/scim/okta/v2/Users/bob%40example.com");
    expect(
      scim.queued().map((change) => [change.source, change.person, change.attributes.emailVerified]),
    ).toEqual([
      ["entra", "ann@example.com", false],
      ["okta", "bob@example.com", null],
    ]);
    const wrongSource = await scim.send("GET", "/scim/okta/v2/Users", undefined, { token: "entra-secret" });
    expect(wrongSource.status).toBe(401);
    const unknownSource = await scim.send("GET", "/scim/workday/v2/Users", undefined, {
      token: "okta-secret",
    });
    expect(unknownSource.body).toEqual(scimErrorBody(404, undefined, 'no SCIM source "workday"'));
    const discovery = await scim.send("GET", "/scim/entra/v2/ServiceProviderConfig", undefined, {
      token: "entra-secret",
    });
    expect(discovery.body.meta.location).toBe(
      "https://idp-sync.example.com/scim/entra/v2/ServiceProviderConfig",
    );
  });

  it("answers 404 for unknown routes and 413 (SCIM error) for bodies over the limit", async () => {
    const scim = scimHarness();
    expect(await scim.send("GET", "/nope/x")).toEqual({
      status: 404,
      headers: { "content-type": "application/scim+json" },
      body: scimErrorBody(404, undefined, "no SCIM resource at /nope/x"),
    });
    const notScim = await routeIngestRequest(
      {
        method: "GET",
        path: "/nope",
        headers: {},
        query: new URLSearchParams(),
        rawBody: Buffer.alloc(0),
        receivedAt,
      },
      scim.deps,
    );
    expect(notScim.status).toBe(404);
    const huge = await scim.send("POST", "/Users", undefined, { raw: "x".repeat(1024 * 1024 + 1) });
    expect(huge).toEqual({
      status: 413,
      headers: { "content-type": "application/scim+json" },
      body: scimErrorBody(413, undefined, "the request body exceeds 1048576 bytes"),
    });
  });

  it("refuses a user id that is not valid percent-encoding with invalidValue", async () => {
    const scim = scimHarness();
    const response = await scim.send("PUT", "/Users/%E0%A4%A", { userName: "ann" });
    expect(response.body).toEqual(
      scimErrorBody(400, "invalidValue", "the resource id in the path is not valid percent-encoding"),
    );
  });
});
