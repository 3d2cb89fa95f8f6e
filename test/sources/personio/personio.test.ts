import { afterEach, describe, expect, it } from "vitest";
import { LocalSecrets } from "../../../local/local-secrets.ts";
import { MemoryChangeScheduler } from "../../../local/memory-change-scheduler.ts";
import { MemoryQueue } from "../../../local/memory-queue.ts";
import { type PersonioSimulator, startPersonioSimulator } from "../../../local/simulators/hr/personio.ts";
import { parseConfig } from "../../../shared/config/schema.ts";
import type { WebhookSourceInput } from "../../../shared/config/webhooks.ts";
import type { UserChange } from "../../../shared/model/change.ts";
import { createRefreshResolver } from "../../../shared/sources/webhooks/refresh.ts";
import { silent, webhookHarness } from "../webhooks/harness.ts";

const token = "Bearer personio-webhook-token";
const personio = (baseUrl = "https://api.personio.de"): WebhookSourceInput => ({
  type: "personio",
  name: "personio",
  secretNames: ["personio-webhook-token"],
  leavers: { timeZone: "Europe/Berlin" },
  api: { baseUrl, credentialsSecretName: "personio-client", requestTimeoutMs: 1000 },
});
const now = Date.UTC(2026, 2, 20, 9, 0, 0);
const event = (eventName: string, payload: object) =>
  JSON.stringify({
    company_id: "123",
    event_name: eventName,
    occurred_at: "2026-03-20T08:59:30Z",
    payload,
    meta: {},
  });

describe("Personio webhooks", () => {
  const setup = () => webhookHarness([personio()], { "personio-webhook-token": token }, now);

  it("checks the configured token and turns person events into refreshes of that person", async () => {
    const { post, queued } = setup();
    const body = event("person.updated", { id: "4711" });
    expect((await post("personio", body, { Authorization: "Bearer guessed" })).status).toBe(401);
    expect((await post("personio", body, { Authorization: token })).status).toBe(202);
    expect(queued()).toEqual([
      {
        id: expect.any(String),
        source: "personio",
        person: "4711",
        at: "2026-03-20T08:59:30.000Z",
        kind: "refresh",
        attributes: {},
      },
    ]);
  });

  it("takes the person of an employment event, and deletes on person.deleted", async () => {
    const { post, queued } = setup();
    const terminated = event("employment.terminated", { id: "emp-9", person: { id: "4711" } });
    const deleted = event("person.deleted", { id: "4711" });
    await post("personio", terminated, { Authorization: token });
    await post("personio", deleted, { Authorization: token });
    expect(queued().map(({ person, kind }) => [person, kind])).toEqual([
      ["4711", "refresh"],
      ["4711", "delete"],
    ]);
  });
});

describe("Personio refresh from the v2 persons API", () => {
  let sim: PersonioSimulator;
  afterEach(() => sim.close());

  async function resolver() {
    sim = await startPersonioSimulator({ clientId: "client-1", clientSecret: "secret-1" });
    const config = parseConfig({
      scim: { tokenSecretName: "t" },
      providers: [{ type: "descope", secretName: "d" }],
      webhooks: [personio(sim.url)],
    });
    const queue = new MemoryQueue({ maxReceiveCount: 3, visibilityTimeoutMs: 1000 });
    const scheduler = new MemoryChangeScheduler(queue, { now: () => now });
    const resolve = createRefreshResolver({
      config,
      secrets: new LocalSecrets({ "personio-client": "client-1:secret-1" }),
      log: silent,
      scheduler,
      now: () => now,
    });
    return { resolve, scheduler };
  }
  const refresh: UserChange = {
    id: "wh-3",
    source: "personio",
    person: "4711",
    at: "2026-03-20T08:59:30.000Z",
    kind: "refresh",
    attributes: {},
  };

  it("reads the person and its employment with a client-credentials token, renewed once on 401", async () => {
    const { resolve, scheduler } = await resolver();
    sim.setPerson(
      "4711",
      { first_name: "Jonas", last_name: "Weber", email: "Jonas.Weber@acme.example", status: "ACTIVE" },
      {
        status: "ACTIVE",
        position: { title: "Account Executive" },
        supervisor: { id: "4000" },
        termination: { termination_date: "2026-04-30" },
      },
    );
    const first = await resolve(refresh);
    expect(first).toEqual({
      result: "resolved",
      change: {
        ...refresh,
        kind: "upsert",
        attributes: {
          loginId: "jonas.weber@acme.example",
          email: "Jonas.Weber@acme.example",
          givenName: "Jonas",
          familyName: "Weber",
          title: "Account Executive",
          manager: "4000",
          active: true,
        },
      },
    });
    // The leaving date lies ahead: a refresh is held until the end of 30 April in Berlin.
    expect(scheduler.pending().map(({ change, at }) => [change.kind, at.toISOString()])).toEqual([
      ["refresh", "2026-04-30T22:00:00.000Z"],
    ]);
    sim.expireTokens();
    expect(await resolve(refresh)).toMatchObject({ result: "resolved" });
    expect(sim.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /v2/auth/token",
      "GET /v2/persons/4711",
      expect.stringMatching(/^GET \/v2\/persons\/4711\/employments\/.+/),
      "GET /v2/persons/4711",
      "POST /v2/auth/token",
      "GET /v2/persons/4711",
      expect.stringMatching(/^GET \/v2\/persons\/4711\/employments\/.+/),
    ]);
  });

  it("dead-letters a person the API does not know", async () => {
    const { resolve } = await resolver();
    expect(await resolve(refresh)).toMatchObject({
      result: "rejected",
      reason: expect.stringContaining("404"),
    });
  });
});
