import { afterEach, describe, expect, it } from "vitest";
import { LocalSecrets } from "../../../local/local-secrets.ts";
import { MemoryChangeScheduler } from "../../../local/memory-change-scheduler.ts";
import { MemoryQueue } from "../../../local/memory-queue.ts";
import { type BambooHrSimulator, startBambooHrSimulator } from "../../../local/simulators/hr/bamboohr.ts";
import { parseConfig } from "../../../shared/config/schema.ts";
import type { WebhookSourceInput } from "../../../shared/config/webhooks.ts";
import type { UserChange } from "../../../shared/model/change.ts";
import { createRefreshResolver } from "../../../shared/sources/webhooks/refresh.ts";
import { bambooHrPresetAliases } from "../preset-fields.ts";
import { hmac, silent, TestClock, webhookHarness } from "../webhooks/harness.ts";

const privateKey = "bamboo-private-key";
type BambooHrApiInput = { baseUrl: string; apiKeySecretName: string; requestTimeoutMs?: number };
const source = (api?: BambooHrApiInput): WebhookSourceInput => ({
  type: "bamboohr",
  name: "bamboohr",
  secretNames: ["bamboohr-webhook-key"],
  leavers: { timeZone: "America/Denver" },
  ...(api ? { api } : {}),
});
const eventTime = Date.UTC(2026, 0, 31, 18, 42, 0);

/** Signs as BambooHR does: hex HMAC-SHA256 of the raw body followed by the X-BambooHR-Timestamp value. */
function signed(body: string, atMs: number) {
  const timestamp = String(Math.floor(atMs / 1000));
  return {
    "X-BambooHR-Timestamp": timestamp,
    "X-BambooHR-Signature": hmac("sha256", privateKey, body + timestamp, "hex"),
  };
}

const setup = (api?: BambooHrApiInput) =>
  webhookHarness(
    [source(api ?? { baseUrl: "https://acme.bamboohr.com", apiKeySecretName: "bamboohr-api-key" })],
    {
      "bamboohr-webhook-key": privateKey,
    },
    eventTime + 30_000,
  );

describe("BambooHR event-based webhooks (documented examples)", () => {
  const updated = `{
  "type": "employee.updated",
  "timestamp": "2026-01-31T18:42:00+0000",
  "data": {
    "companyId": "12345",
    "employeeId": "67890",
    "changedFields": [
      "firstName"
    ]
  }
}`;

  it("turns employee.updated into a refresh of employee 67890 at the event's time", async () => {
    const { post, queued } = setup();
    const response = await post("bamboohr", updated, signed(updated, eventTime + 30_000));
    expect(response.status).toBe(202);
    expect(queued()).toEqual([
      {
        id: expect.any(String),
        source: "bamboohr",
        person: "67890",
        at: "2026-01-31T18:42:00.000Z",
        kind: "refresh",
        attributes: {},
      },
    ]);
  });

  it("reads the form-post encoding the same way", async () => {
    const { post, queued } = setup();
    const form =
      "type=employee.updated&data[companyId]=12345&data[employeeId]=67890&data[changedFields][0]=firstName";
    const response = await post("bamboohr", form, {
      "content-type": "application/x-www-form-urlencoded",
      ...signed(form, eventTime + 30_000),
    });
    expect(response.status).toBe(202);
    expect(queued()).toMatchObject([{ person: "67890", kind: "refresh" }]);
  });

  it("deletes on employee.deleted, and refuses wrong keys and stale timestamps", async () => {
    const { post, queued } = setup();
    const deleted = updated.replace("employee.updated", "employee.deleted");
    expect((await post("bamboohr", deleted, signed(deleted, eventTime + 30_000))).status).toBe(202);
    expect(queued()).toMatchObject([{ person: "67890", kind: "delete" }]);
    const forged = {
      ...signed(deleted, eventTime + 30_000),
      "X-BambooHR-Signature": hmac("sha256", "other", deleted, "hex"),
    };
    expect((await post("bamboohr", deleted, forged)).status).toBe(401);
    expect((await post("bamboohr", deleted, signed(deleted, eventTime - 10 * 60_000))).status).toBe(401);
  });

  it("answers 202 with the reason when thin events arrive and no API is configured", async () => {
    const { post, queued } = webhookHarness(
      [source()],
      { "bamboohr-webhook-key": privateKey },
      eventTime + 30_000,
    );
    const response = await post("bamboohr", updated, signed(updated, eventTime + 30_000));
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body).ignored).toContain("no HR API configured");
    expect(queued()).toEqual([]);
  });
});

describe("BambooHR field-based webhooks (values included)", () => {
  it("patches the changed fields of the documented example", async () => {
    const { post, queued } = setup();
    const body = JSON.stringify({
      employees: [
        {
          action: "Updated",
          changedFields: ["First Name"],
          fields: { "First Name": "Bryony" },
          id: "12345",
          timestamp: "2026-01-31T18:42:00+0000",
        },
      ],
    });
    expect((await post("bamboohr", body, signed(body, eventTime + 30_000))).status).toBe(202);
    expect(queued()).toMatchObject([
      {
        person: "12345",
        kind: "upsert",
        at: "2026-01-31T18:42:00.000Z",
        attributes: { givenName: "Bryony" },
      },
    ]);
  });

  it("reads the { value } form of older deliveries (fusebit fixture, with its recorded signature)", async () => {
    const body =
      '{"employees":[{"changedFields":["First name"],"fields":{"Employee #":{"value":"300"},"First name":{"value":"Tefi"},"Last name":{"value":"Adams"}},"id":"5"}]}';
    const { post, queued } = webhookHarness(
      [source()],
      { "bamboohr-webhook-key": "123b929362d51613054f71e5e5d4bf2c" },
      1658248023_000,
    );
    const response = await post("bamboohr", body, {
      "X-BambooHR-Timestamp": "1658248023",
      "X-BambooHR-Signature": "56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac",
    });
    expect(response.status).toBe(202);
    expect(queued()).toMatchObject([
      {
        person: "5",
        kind: "upsert",
        attributes: { employeeNumber: "300", givenName: "Tefi", familyName: "Adams" },
      },
    ]);
  });

  it("holds a future Termination Date until the end of that day in the source's time zone", async () => {
    const { post, queued, scheduler } = setup();
    const body = JSON.stringify({
      employees: [
        {
          action: "Updated",
          changedFields: ["Termination Date"],
          fields: { "Termination Date": "2026-02-13", Status: "Active" },
          id: "12345",
          timestamp: "2026-01-31T18:42:00+0000",
        },
      ],
    });
    await post("bamboohr", body, signed(body, eventTime + 30_000));
    expect(queued()).toMatchObject([{ kind: "upsert", attributes: { active: true } }]);
    expect(scheduler.pending().map(({ change, at }) => [change.kind, at.toISOString()])).toEqual([
      ["deactivate", "2026-02-14T07:00:00.000Z"], // 2026-02-14 00:00 in Denver (UTC−7)
    ]);
  });
});

describe("BambooHR refresh from GET /api/v1/employees/{id}", () => {
  let sim: BambooHrSimulator;
  afterEach(() => sim.close());

  async function resolver(clock = new TestClock(eventTime)) {
    sim = await startBambooHrSimulator({ apiKey: "api-key-1" });
    const config = parseConfig({
      scim: { tokenSecretName: "t" },
      providers: [{ type: "descope", secretName: "d" }],
      webhooks: [source({ baseUrl: sim.url, apiKeySecretName: "bamboohr-api-key", requestTimeoutMs: 1000 })],
    });
    const scheduler = new MemoryChangeScheduler(
      new MemoryQueue({ maxReceiveCount: 3, visibilityTimeoutMs: 1000 }),
      clock,
    );
    const resolve = createRefreshResolver({
      config,
      secrets: new LocalSecrets({ "bamboohr-api-key": "api-key-1" }),
      log: silent,
      scheduler,
      now: clock.now,
    });
    return { resolve, scheduler, clock };
  }
  const refresh: UserChange = {
    id: "wh-1",
    source: "bamboohr",
    person: "67890",
    at: "2026-01-31T18:42:00.000Z",
    kind: "refresh",
    attributes: {},
  };

  it("reads the fields the mapping names, with the API key as Basic user", async () => {
    const { resolve } = await resolver();
    sim.setEmployee("67890", {
      firstName: "Bryony",
      lastName: "Hall",
      workEmail: "Bryony.Hall@acme.example",
      department: "Finance",
      jobTitle: "Controller",
      status: "Active",
      supervisorEId: "1",
      location: "Denver",
      terminationDate: "0000-00-00",
    });
    expect(await resolve(refresh)).toEqual({
      result: "resolved",
      change: {
        ...refresh,
        kind: "upsert",
        attributes: {
          loginId: "bryony.hall@acme.example",
          email: "Bryony.Hall@acme.example",
          givenName: "Bryony",
          familyName: "Hall",
          department: "Finance",
          title: "Controller",
          manager: "1",
          active: true,
          // Fields the employee has no value for are removals.
          middleName: null,
          displayName: null,
          employeeNumber: null,
          customAttributes: { location: "Denver", division: null, employmentType: null },
        },
      },
    });
    const fields = sim.requests[0]?.query.get("fields")?.split(",");
    expect(fields).toEqual(bambooHrPresetAliases);
    expect(sim.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("api-key-1:x").toString("base64")}`,
    );
  });

  it("retries on 429 and 5xx, and dead-letters an employee the API does not know", async () => {
    const { resolve } = await resolver();
    sim.failNext(429);
    expect(await resolve(refresh)).toMatchObject({ result: "retry" });
    sim.failNext(503);
    expect(await resolve(refresh)).toMatchObject({ result: "retry" });
    expect(await resolve(refresh)).toMatchObject({
      result: "rejected",
      reason: expect.stringContaining("not found"),
    });
  });
});
