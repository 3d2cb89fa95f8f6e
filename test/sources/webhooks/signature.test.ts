import { describe, expect, it } from "vitest";
import { webhookSourceSchema } from "../../../shared/config/webhooks.ts";
import type { IngestRequest } from "../../../shared/ingest/request.ts";
import { verifyDelivery } from "../../../shared/sources/webhooks/signature.ts";
import { signatureScheme } from "../../../shared/sources/webhooks/sources.ts";
import { hmac } from "./harness.ts";

const request = (body: string, headers: Record<string, string>, receivedAt: number): IngestRequest => ({
  method: "POST",
  path: "/webhooks/x",
  headers,
  query: new URLSearchParams(),
  rawBody: Buffer.from(body, "utf8"),
  receivedAt,
});

const scheme = (input: object) =>
  signatureScheme(webhookSourceSchema.parse({ name: "x", secretNames: ["s"], ...input }));
const fiveMinutes = 300_000;

describe("Standard Webhooks (spec reference vector)", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const headers = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  };
  const body = '{"test": 2432232314}';
  const standard = scheme({ type: "standard-webhooks", mapping: { events: [{ person: "$.id" }] } });

  it("accepts the documented signature and uses webhook-id as the replay key", () => {
    expect(verifyDelivery(standard, request(body, headers, 1614265330_000), [secret], fiveMinutes)).toEqual({
      ok: true,
      replayKey: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      eventId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    });
  });

  it("accepts any matching entry of a multi-signature header and any active secret (rotation)", () => {
    const rotated = {
      ...headers,
      "webhook-signature": `v1,bm90IGl0 v1a,ed25519sig ${headers["webhook-signature"]}`,
    };
    const result = verifyDelivery(
      standard,
      request(body, rotated, 1614265330_000),
      ["whsec_b2xk", secret],
      fiveMinutes,
    );
    expect(result.ok).toBe(true);
  });

  it("refuses a tampered body, a stale or future timestamp, and a missing id", () => {
    const at = 1614265330_000;
    expect(
      verifyDelivery(standard, request('{"test": 1}', headers, at), [secret], fiveMinutes),
    ).toMatchObject({
      ok: false,
      reason: "signature does not match an active secret",
    });
    expect(
      verifyDelivery(standard, request(body, headers, at + fiveMinutes + 1000), [secret], fiveMinutes),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining("outside the tolerance"),
    });
    expect(
      verifyDelivery(standard, request(body, headers, at - fiveMinutes - 1000), [secret], fiveMinutes).ok,
    ).toBe(false);
    const { "webhook-id": _, ...withoutId } = headers;
    expect(verifyDelivery(standard, request(body, withoutId, at), [secret], fiveMinutes).ok).toBe(false);
  });
});

describe("BambooHR (HMAC-SHA256 over rawBody + X-BambooHR-Timestamp, hex)", () => {
  // The vector of github.com/fusebit/integrations src/bamboohr/bamboohr-connector/test, recomputed.
  const body =
    '{"employees":[{"changedFields":["First name"],"fields":{"Employee #":{"value":"300"},"First name":{"value":"Tefi"},"Last name":{"value":"Adams"}},"id":"5"}]}';
  const headers = {
    "x-bamboohr-timestamp": "1658248023",
    "x-bamboohr-signature": "56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac",
  };
  const bamboo = scheme({ type: "bamboohr" });
  const key = "123b929362d51613054f71e5e5d4bf2c";

  it("accepts the known vector within the tolerance and refuses it outside", () => {
    expect(
      verifyDelivery(bamboo, request(body, headers, 1658248023_000 + 60_000), [key], fiveMinutes).ok,
    ).toBe(true);
    expect(
      verifyDelivery(bamboo, request(body, headers, 1658248023_000 + 600_000), [key], fiveMinutes).ok,
    ).toBe(false);
  });

  it("refuses the signature presented with another timestamp (the timestamp is signed)", () => {
    const shifted = { ...headers, "x-bamboohr-timestamp": "1658248024" };
    expect(verifyDelivery(bamboo, request(body, shifted, 1658248024_000), [key], fiveMinutes).ok).toBe(false);
  });
});

describe("HiBob (base64 HMAC-SHA512 of the body in Bob-Signature)", () => {
  const bob = scheme({ type: "hibob", api: { credentialsSecretName: "c" } });
  const body = '{"companyId":636192,"type":"employee.updated"}';

  it("accepts the body signed with the secret and refuses another secret", () => {
    const headers = { "bob-signature": hmac("sha512", "bob-secret", body, "base64") };
    expect(verifyDelivery(bob, request(body, headers, 0), ["bob-secret"], fiveMinutes).ok).toBe(true);
    expect(verifyDelivery(bob, request(body, headers, 0), ["other"], fiveMinutes).ok).toBe(false);
  });
});

describe("generic HMAC", () => {
  it("verifies GitHub's documented vector: sha256=<hex> over the body", () => {
    const github = scheme({
      type: "generic-hmac",
      mapping: { events: [{ person: "$.id" }] },
      signature: { header: "X-Hub-Signature-256", prefix: "sha256=" },
    });
    const headers = {
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    };
    expect(
      verifyDelivery(github, request("Hello, World!", headers, 0), ["It's a Secret to Everybody"], 1).ok,
    ).toBe(true);
    expect(
      verifyDelivery(github, request("Hello, World?", headers, 0), ["It's a Secret to Everybody"], 1).ok,
    ).toBe(false);
  });

  it("verifies base64 over timestamp.body with a timestamp tolerance", () => {
    const generic = scheme({
      type: "generic-hmac",
      mapping: { events: [{ person: "$.id" }] },
      signature: {
        header: "X-Sig",
        encoding: "base64",
        signedContent: "{timestamp}.{body}",
        timestampHeader: "X-Ts",
      },
    });
    const body = '{"id":"7"}';
    const headers = {
      "x-ts": "2026-03-20T09:00:00Z",
      "x-sig": hmac("sha256", "k", `2026-03-20T09:00:00Z.${body}`, "base64"),
    };
    const at = Date.UTC(2026, 2, 20, 9, 0, 0);
    expect(verifyDelivery(generic, request(body, headers, at + 1000), ["k"], fiveMinutes).ok).toBe(true);
    expect(
      verifyDelivery(generic, request(body, headers, at + fiveMinutes + 1000), ["k"], fiveMinutes).ok,
    ).toBe(false);
  });
});

describe("Personio (static token in a header)", () => {
  const personio = scheme({ type: "personio", api: { credentialsSecretName: "c" } });

  it("accepts the exact configured token, in constant time, and keys replays by the body", () => {
    const accepted = verifyDelivery(
      personio,
      request("{}", { authorization: "Bearer tok-1" }, 0),
      ["old", "Bearer tok-1"],
      1,
    );
    expect(accepted).toMatchObject({ ok: true, replayKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(
      verifyDelivery(personio, request("{}", { authorization: "tok-1" }, 0), ["Bearer tok-1"], 1).ok,
    ).toBe(false);
    expect(verifyDelivery(personio, request("{}", {}, 0), ["Bearer tok-1"], 1).ok).toBe(false);
  });
});
