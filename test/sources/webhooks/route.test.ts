import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../shared/config/schema.ts";
import type { IngestRequest } from "../../../shared/ingest/request.ts";
import { routeWebhook } from "../../../shared/sources/webhooks/route.ts";
import { acmeEvent, acmeHeaders, acmeHr, acmeSecret, ann } from "./acme-hr.ts";
import { webhookHarness } from "./harness.ts";

const secrets = { "acme-hr-signing": acmeSecret, "acme-hr-signing-next": "next-secret" };
const start = Date.UTC(2026, 2, 20, 9, 0, 0);
const setup = () => webhookHarness([acmeHr], secrets, start);
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const config = parseConfig({
  scim: { tokenSecretName: "t" },
  providers: [{ type: "descope", secretName: "d" }],
  webhooks: [acmeHr],
});
const request = (method: string, body: string, headers: Record<string, string>): IngestRequest => ({
  method,
  path: "/webhooks/acme-hr",
  headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  query: new URLSearchParams(),
  rawBody: Buffer.from(body),
  receivedAt: start,
});

describe("POST /webhooks/{source}", () => {
  it("answers 404 for an unknown source and 405 for other methods", async () => {
    const { post, queue, secrets: localSecrets, log } = setup();
    expect((await post("nobody", "{}")).status).toBe(404);
    const deps = { config, queue, secrets: localSecrets, log };
    expect(await routeWebhook(request("GET", "", {}), deps)).toMatchObject({
      status: 405,
      headers: { allow: "POST" },
    });
  });

  it("hires: 202 with the accepted change id, one upsert with the mapped attributes at the event's time", async () => {
    const { post, queued } = setup();
    const body = acmeEvent("employee.hired", "evt-1", "2026-03-20T08:59:00Z", ann);
    const response = await post("acme-hr", body, acmeHeaders(body, start));
    expect(response.status).toBe(202);
    const changes = queued();
    expect(json(response.body)).toEqual({ accepted: [changes[0]?.id], scheduled: [] });
    expect(changes).toEqual([
      {
        id: expect.stringMatching(/^wh-[0-9a-f]{40}$/),
        source: "acme-hr",
        person: "E-1001",
        at: "2026-03-20T08:59:00.000Z",
        kind: "upsert",
        attributes: {
          loginId: "ann.lee@acme.example",
          email: " Ann.Lee@Acme.example ",
          givenName: "Ann",
          familyName: "Lee",
          department: "Engineering",
          title: "Engineer",
          manager: "E-7",
          active: true,
          customAttributes: { location: "Berlin", employmentType: "full-time" },
        },
      },
    ]);
  });

  it("gives a re-delivered event the same change ids (idempotent merge), and refuses the replayed bytes", async () => {
    const { post, queued, clock } = setup();
    const body = acmeEvent("employee.updated", "evt-2", "2026-03-20T08:59:00Z", {
      id: "E-1001",
      department: "Sales",
    });
    const first = await post("acme-hr", body, acmeHeaders(body, start));
    const replay = await post("acme-hr", body, acmeHeaders(body, start));
    expect(replay).toMatchObject({ status: 401, body: '{"error":"unauthorized"}' });
    clock.advance(60_000);
    const retry = await post("acme-hr", body, acmeHeaders(body, clock.now()));
    expect(json(retry.body).accepted).toEqual(json(first.body).accepted);
    expect(queued().map((change) => change.attributes)).toEqual([
      { department: "Sales" },
      { department: "Sales" },
    ]);
  });

  it("refuses wrong signatures, stale timestamps and missing headers with 401 and no detail", async () => {
    const { post, log } = setup();
    const body = acmeEvent("employee.updated", "evt-3", "2026-03-20T08:59:00Z", ann);
    const answers = await Promise.all([
      post("acme-hr", body, acmeHeaders(body, start, "guessed")),
      post("acme-hr", body, acmeHeaders(body, start - 6 * 60_000)),
      post("acme-hr", body, acmeHeaders(body, start + 6 * 60_000)),
      post("acme-hr", body, {}),
    ]);
    for (const answer of answers)
      expect(answer).toMatchObject({ status: 401, body: '{"error":"unauthorized"}' });
    expect(
      log.lines.filter((line) => line.message === "webhook refused").map((line) => line.extra.reason),
    ).toEqual([
      "signature does not match an active secret",
      expect.stringContaining("outside the tolerance"),
      expect.stringContaining("outside the tolerance"),
      "missing x-acme-signature header",
    ]);
  });

  it("accepts the next secret while it is being rotated in", async () => {
    const { post } = setup();
    const body = acmeEvent("employee.updated", "evt-4", "2026-03-20T08:59:00Z", ann);
    expect((await post("acme-hr", body, acmeHeaders(body, start, "next-secret"))).status).toBe(202);
  });

  it("answers malformed JSON with 400 once the signature holds", async () => {
    const { post } = setup();
    const response = await post("acme-hr", "{not json", acmeHeaders("{not json", start));
    expect(response.status).toBe(400);
    expect(json(response.body)).toEqual({ error: "malformed", detail: "the request body is not valid JSON" });
  });

  it("accepts a well-formed event that maps to nothing with 202 and logs why", async () => {
    const { post, log, queued } = setup();
    const body = acmeEvent("employee.birthday", "evt-5", "2026-03-20T08:59:00Z", ann);
    const response = await post("acme-hr", body, acmeHeaders(body, start));
    expect(response.status).toBe(202);
    expect(json(response.body)).toEqual({
      accepted: [],
      scheduled: [],
      ignored: "employee.birthday for E-1001: the source's mapping ignores this event type",
    });
    expect(queued()).toEqual([]);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: "info", message: "webhook events left unapplied" }),
    );
  });

  it("deletes, terminates now, and rehires", async () => {
    const { post, queued } = setup();
    const send = async (event: string, id: string, employee = ann) => {
      const body = acmeEvent(event, id, "2026-03-20T08:59:00Z", employee);
      return post("acme-hr", body, acmeHeaders(body, start));
    };
    await send("employee.terminated", "evt-6", { id: "E-1001", termination: { date: "2026-03-19" } });
    await send("employee.rehired", "evt-7", { id: "E-1001", department: "Sales" });
    await send("employee.deleted", "evt-8", { id: "E-1001" });
    expect(queued().map(({ kind, at, attributes }) => ({ kind, at, attributes }))).toEqual([
      // The leaving date passed before the event: ordered at the event, which is when we learned of it.
      { kind: "deactivate", at: "2026-03-20T08:59:00.000Z", attributes: {} },
      { kind: "reactivate", at: "2026-03-20T08:59:00.000Z", attributes: {} },
      { kind: "upsert", at: "2026-03-20T08:59:00.000Z", attributes: { department: "Sales" } },
      { kind: "delete", at: "2026-03-20T08:59:00.000Z", attributes: {} },
    ]);
  });

  it("holds a future-dated termination until the end of the leaving day in the employee's zone", async () => {
    const { post, queued, scheduler } = setup();
    const employee = { id: "E-1001", termination: { date: "2026-03-31", time_zone: "America/New_York" } };
    const body = acmeEvent("employee.terminated", "evt-9", "2026-03-20T08:59:00Z", employee);
    const response = await post("acme-hr", body, acmeHeaders(body, start));
    expect(response.status).toBe(202);
    expect(queued()).toEqual([]);
    const held = scheduler.pending();
    expect(
      held.map(({ change, at }) => ({ kind: change.kind, at: at.toISOString(), changeAt: change.at })),
    ).toEqual([{ kind: "deactivate", at: "2026-04-01T04:00:00.000Z", changeAt: "2026-04-01T04:00:00.000Z" }]);
    expect(json(response.body)).toEqual({ accepted: [], scheduled: [held[0]?.change.id] });
  });

  it("moves a held leaver when the date changes and drops it when the date is removed", async () => {
    const { post, scheduler } = setup();
    const update = async (id: string, date: string | null) => {
      const body = acmeEvent("employee.updated", id, "2026-03-20T08:59:00Z", {
        id: "E-1001",
        termination: { date },
      });
      await post("acme-hr", body, acmeHeaders(body, start));
      return scheduler.pending().map(({ at }) => at.toISOString());
    };
    expect(await update("evt-10", "2026-03-31")).toEqual(["2026-03-31T22:00:00.000Z"]);
    expect(await update("evt-11", "2026-04-30")).toEqual(["2026-04-30T22:00:00.000Z"]);
    expect(await update("evt-12", null)).toEqual([]);
  });

  it("answers 503 and forgets the delivery when the queue refuses, so the sender's retry is accepted", async () => {
    const { post, queue } = setup();
    const send = queue.send.bind(queue);
    queue.send = async (changes) => changes.map((change) => change.id);
    const body = acmeEvent("employee.updated", "evt-13", "2026-03-20T08:59:00Z", ann);
    expect((await post("acme-hr", body, acmeHeaders(body, start))).status).toBe(503);
    queue.send = send;
    expect((await post("acme-hr", body, acmeHeaders(body, start))).status).toBe(202);
  });

  it("answers 503 when the runtime wired no scheduler or replay guard", async () => {
    const { queue, secrets: localSecrets, log } = setup();
    const body = acmeEvent("employee.updated", "evt-14", "2026-03-20T08:59:00Z", ann);
    const response = await routeWebhook(request("POST", body, acmeHeaders(body, start)), {
      config,
      queue,
      secrets: localSecrets,
      log,
    });
    expect(response.status).toBe(503);
  });
});
