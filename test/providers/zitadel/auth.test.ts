import { describe, expect, it } from "vitest";
import type { CanonicalUser } from "../../../shared/model/user.ts";
import { FakeClock } from "../../simulators/descope/fake-clock.ts";
import { pat, serviceAccountKey } from "../../simulators/zitadel/http.ts";
import { createOp, type Harness, harnessPerTest, TestSecrets } from "./harness.ts";

const start = harnessPerTest();

const importPath = "/management/v1/users/human/_import";
const tokenPath = "/oauth/v2/token";
const key = serviceAccountKey();

const person = (name: string): CanonicalUser => ({
  loginId: name,
  email: `${name}@example.com`,
  givenName: name,
  familyName: "Example",
});
const creates = (...names: string[]) => names.map((name) => createOp(name, person(name)));
const results = (outcomes: readonly { result: string }[]) => outcomes.map((outcome) => outcome.result);
/** The answers the simulator gave, as `METHOD path → status`. */
const exchange = (h: Harness) =>
  h.sim.requests().map((request) => `${request.method} ${request.path} → ${request.status}`);

const decodePart = (part: string | undefined) =>
  JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

describe("ZITADEL provider: personal access token", () => {
  it("sends the token from the secret, read once and kept for later applies", async () => {
    for (const secret of [pat, ` ${pat}\n`, JSON.stringify({ type: "pat", token: pat })]) {
      const h = await start({ secrets: new TestSecrets(secret) });
      expect(results(await h.provider.apply(creates("ann")))).toEqual(["applied"]);
      expect(results(await h.provider.apply(creates("bob")))).toEqual(["applied"]);
      expect(h.secrets.reads).toEqual([{ fresh: false }]);
      await h.sim.close();
    }
  });

  it("on a 401 re-reads the secret past its cache once, and repeats the request with the rotated token", async () => {
    const h = await start({ secrets: new TestSecrets("rotated-pat", pat), config: { maxConcurrency: 3 } });
    await h.provider.apply(creates("warm-up"));
    h.sim.setPat("rotated-pat");
    const outcomes = await h.provider.apply(creates("ann", "bob", "cy"));
    expect(results(outcomes)).toEqual(["applied", "applied", "applied"]);
    expect(h.secrets.reads).toEqual([{ fresh: false }, { fresh: true }]);
    expect(exchange(h).filter((line) => line.endsWith("401"))).toHaveLength(3);
    expect(exchange(h).filter((line) => line.endsWith("200"))).toHaveLength(4);
  });

  it("retries the users when the renewed token is refused too, without asking again", async () => {
    const h = await start({ secrets: new TestSecrets("revoked-pat") });
    const outcomes = await h.provider.apply(creates("ann"));
    expect(outcomes).toEqual([
      {
        person: "ann",
        result: "retry",
        reason:
          "create: ZITADEL answered HTTP 401 unauthenticated (Token is invalid or expired (AUTH-7fs1e))",
      },
    ]);
    expect(h.secrets.reads).toEqual([{ fresh: false }, { fresh: true }]);
    expect(exchange(h)).toEqual([`POST ${importPath} → 401`]);
  });

  it("refuses secrets of the wrong shape without quoting them", async () => {
    for (const [secret, problem] of [
      ["two words", 'secret "zitadel" is not a ZITADEL personal access token'],
      ["{not json", 'secret "zitadel" starts like JSON but is not valid JSON'],
      [
        JSON.stringify({ type: "serviceaccount", keyId: "k-1", key: "s3cr3t" }),
        'secret "zitadel" is neither {"type":"pat","token"} nor a ZITADEL service-account key {"type":"serviceaccount","keyId","key","userId"} (problem at: key, userId)',
      ],
    ] as const) {
      const h = await start({ secrets: new TestSecrets(secret) });
      const outcomes = await h.provider.apply(creates("ann"));
      expect(outcomes).toEqual([
        { person: "ann", result: "retry", reason: `cannot call ZITADEL: ${problem}` },
      ]);
      expect(h.sim.requests()).toEqual([]);
      expect(h.log.entries.filter((entry) => entry.level === "error")).toHaveLength(1);
      await h.sim.close();
    }
  });
});

describe("ZITADEL provider: service-account key (JWT profile)", () => {
  const startWithKey = (options: Parameters<typeof start>[0] = {}) =>
    start({
      ...options,
      secrets: new TestSecrets(key.keyFile),
      sim: { serviceAccount: key, ...options.sim },
    });

  it("exchanges a signed assertion for an access token at the token endpoint, then calls with it", async () => {
    const clock = new FakeClock();
    const h = await startWithKey({ clock });
    expect(results(await h.provider.apply(creates("ann")))).toEqual(["applied"]);
    expect(exchange(h)).toEqual([`POST ${tokenPath} → 200`, `POST ${importPath} → 200`]);
    const form = new URLSearchParams(h.sim.requests()[0]?.body as string);
    expect([...form.keys()]).toEqual(["grant_type", "scope", "assertion"]);
    expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(form.get("scope")).toBe("openid urn:zitadel:iam:org:project:id:zitadel:aud");
    const [header, payload, signature] = (form.get("assertion") ?? "").split(".");
    const iat = Math.floor(clock.now() / 1000);
    expect(decodePart(header)).toEqual({ alg: "RS256", typ: "JWT", kid: key.keyId });
    expect(decodePart(payload)).toEqual({
      iss: key.userId,
      sub: key.userId,
      aud: h.sim.url,
      iat,
      exp: iat + 3600,
    });
    expect(signature).toMatch(/^[\w-]{300,}$/);
  });

  it("keeps the token until a minute before it expires, then exchanges anew before calling", async () => {
    const clock = new FakeClock();
    const h = await startWithKey({ clock, sim: { tokenLifetimeSeconds: 600 } });
    const tokenRequests = () => h.requestsTo(tokenPath).length;
    await h.provider.apply(creates("a"));
    clock.advance(530_000);
    await h.provider.apply(creates("b"));
    expect(tokenRequests()).toBe(1);
    clock.advance(20_000);
    expect(results(await h.provider.apply(creates("c")))).toEqual(["applied"]);
    expect(tokenRequests()).toBe(2);
    expect(exchange(h).filter((line) => line.endsWith("401"))).toEqual([]);
    // The key was read once, and again only for the new exchange (from the cache: no 401 asked for fresh).
    expect(h.secrets.reads).toEqual([{ fresh: false }, { fresh: false }]);
  });

  it("on a 401 (token revoked) re-reads the key, exchanges once for all users, and repeats the requests", async () => {
    const h = await startWithKey({ config: { maxConcurrency: 3 } });
    await h.provider.apply(creates("warm-up"));
    h.sim.revokeAccessTokens();
    expect(results(await h.provider.apply(creates("ann", "bob", "cy")))).toEqual([
      "applied",
      "applied",
      "applied",
    ]);
    expect(h.requestsTo(tokenPath)).toHaveLength(2);
    expect(h.secrets.reads).toEqual([{ fresh: false }, { fresh: true }]);
  });

  it("retries every user while the token endpoint fails, with its reason", async () => {
    const h = await startWithKey();
    h.sim.setFaults({ outage: true });
    expect(await h.provider.apply(creates("ann", "bob"))).toEqual(
      ["ann", "bob"].map((name) => ({
        person: name,
        result: "retry",
        reason:
          "cannot call ZITADEL: ZITADEL token endpoint answered HTTP 503 (Service unavailable (SIM-outage))",
      })),
    );
    h.sim.setFaults({});
    expect(results(await h.provider.apply(creates("ann", "bob")))).toEqual(["applied", "applied"]);
  });

  it("reports the token endpoint's OAuth error, and never the key, when the key is refused", async () => {
    const other = serviceAccountKey(key.userId, key.keyId);
    const h = await start({ secrets: new TestSecrets(other.keyFile), sim: { serviceAccount: key } });
    const [outcome] = await h.provider.apply(creates("ann"));
    expect(outcome).toEqual({
      person: "ann",
      result: "retry",
      reason:
        "cannot call ZITADEL: ZITADEL token endpoint answered HTTP 400 (invalid_grant: assertion signature does not verify)",
    });
    const unreadable = JSON.stringify({
      type: "serviceaccount",
      keyId: "k-9",
      userId: key.userId,
      key: "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----",
    });
    h.secrets.current = unreadable;
    h.secrets.cached = unreadable;
    const [broken] = await h.provider.apply(creates("bob"));
    expect(broken).toEqual({
      person: "bob",
      result: "retry",
      reason: "cannot call ZITADEL: the private key of ZITADEL key k-9 is not a readable PEM key",
    });
    expect(JSON.stringify(h.log.entries)).not.toContain("PRIVATE KEY");
  });
});
