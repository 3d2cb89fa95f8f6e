import { afterEach, describe, expect, it } from "vitest";
import { LocalSecrets } from "../../../local/local-secrets.ts";
import { type HiBobSimulator, startHiBobSimulator } from "../../../local/simulators/hr/hibob.ts";
import { parseConfig } from "../../../shared/config/schema.ts";
import type { WebhookSourceInput } from "../../../shared/config/webhooks.ts";
import type { UserChange } from "../../../shared/model/change.ts";
import { createRefreshResolver } from "../../../shared/sources/webhooks/refresh.ts";
import { hiBobPresetFieldIds } from "../preset-fields.ts";
import { hmac, silent, webhookHarness } from "../webhooks/harness.ts";

const secret = "bob-webhook-secret";
const hibob = (baseUrl = "https://api.hibob.com"): WebhookSourceInput => ({
  type: "hibob",
  name: "hibob",
  secretNames: ["hibob-webhook"],
  api: { baseUrl, credentialsSecretName: "hibob-service-user", requestTimeoutMs: 1000 },
});
const setup = () => webhookHarness([hibob()], { "hibob-webhook": secret }, Date.UTC(2025, 0, 8, 13, 7, 0));
const signed = (body: string) => ({ "Bob-Signature": hmac("sha512", secret, body, "base64") });

// The documented v2 payload (apidocs.hibob.com changelog "table entry events payload updated").
const tableEntryCreated = `{
  "companyId": 636192,
  "type": "table.entry.created",
  "triggeredBy": "3332883804594373380",
  "triggeredAt": "2025-01-08T13:06:26.915906",
  "version": "v2",
  "data": {
    "employeeId": "3332883854254932743",
    "tableId": "lifecycle",
    "effectiveDate": "2025-01-08"
  }
}`;

describe("HiBob webhooks v2", () => {
  it("answers Bob's unsigned validation pings, in both forms, without a change", async () => {
    const { post, queued } = setup();
    expect(await post("hibob", "Ping test", { "content-type": "text/plain" })).toMatchObject({ status: 200 });
    expect(await post("hibob", '{"text":"Ping test"}')).toMatchObject({ status: 200 });
    expect(queued()).toEqual([]);
  });

  it("turns the documented event into a refresh of the employee at triggeredAt (read as UTC)", async () => {
    const { post, queued } = setup();
    expect((await post("hibob", tableEntryCreated, signed(tableEntryCreated))).status).toBe(202);
    expect(queued()).toEqual([
      {
        id: expect.any(String),
        source: "hibob",
        person: "3332883854254932743",
        at: "2025-01-08T13:06:26.915Z",
        kind: "refresh",
        attributes: {},
      },
    ]);
  });

  it("deletes on employee.deleted, ignores time-off events, refuses a wrong signature and a replay", async () => {
    const { post, queued } = setup();
    const deleted = tableEntryCreated.replace("table.entry.created", "employee.deleted");
    expect((await post("hibob", deleted, signed(deleted))).status).toBe(202);
    expect(queued()).toMatchObject([{ kind: "delete", person: "3332883854254932743" }]);
    const timeOff = tableEntryCreated.replace("table.entry.created", "timeoff.request.created");
    const ignored = await post("hibob", timeOff, signed(timeOff));
    expect(ignored.status).toBe(202);
    expect(JSON.parse(ignored.body).ignored).toContain("ignores this event type");
    expect(
      (await post("hibob", deleted, { "Bob-Signature": hmac("sha512", "x", deleted, "base64") })).status,
    ).toBe(401);
    expect((await post("hibob", deleted, signed(deleted))).status).toBe(401);
  });
});

describe("HiBob refresh from POST /v1/people/{id}", () => {
  let sim: HiBobSimulator;
  afterEach(() => sim.close());

  async function resolver() {
    sim = await startHiBobSimulator({ serviceUserId: "SERVICE-1", token: "bob-token" });
    const config = parseConfig({
      scim: { tokenSecretName: "t" },
      providers: [{ type: "descope", secretName: "d" }],
      webhooks: [hibob(sim.url)],
    });
    return createRefreshResolver({
      config,
      secrets: new LocalSecrets({ "hibob-service-user": "SERVICE-1:bob-token" }),
      log: silent,
      now: () => Date.UTC(2025, 0, 8, 13, 7, 0),
    });
  }
  const refresh: UserChange = {
    id: "wh-2",
    source: "hibob",
    person: "3332883854254932743",
    at: "2025-01-08T13:06:26.915Z",
    kind: "refresh",
    attributes: {},
  };

  it("reads the mapped fields as a service user and maps list values by their names", async () => {
    const resolve = await resolver();
    sim.setEmployee("3332883854254932743", {
      firstName: "Dana",
      surname: "Cohen",
      email: "dana.cohen@acme.example",
      displayName: "Dana Cohen",
      work: {
        department: "1234",
        title: "5678",
        site: "91",
        employeeIdInCompany: 42,
        reportsTo: { id: "3332883804594373380" },
      },
      internal: { status: "Active", terminationDate: null },
      humanReadable: { work: { department: "R&D", title: "Engineer", site: "Tel Aviv" } },
    });
    expect(await resolve(refresh)).toEqual({
      result: "resolved",
      change: {
        ...refresh,
        kind: "upsert",
        attributes: {
          loginId: "dana.cohen@acme.example",
          email: "dana.cohen@acme.example",
          givenName: "Dana",
          familyName: "Cohen",
          displayName: "Dana Cohen",
          title: "Engineer",
          department: "R&D",
          employeeNumber: "42",
          manager: "3332883804594373380",
          active: true,
          customAttributes: { site: "Tel Aviv" },
        },
      },
    });
    const request = sim.requests[0];
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from("SERVICE-1:bob-token").toString("base64")}`,
    );
    expect(JSON.parse(request?.body ?? "{}")).toEqual({
      fields: hiBobPresetFieldIds,
      humanReadable: "APPEND",
    });
  });

  it("retries on 429 and on refused credentials (a rotation), dead-letters an unknown employee", async () => {
    const resolve = await resolver();
    sim.failNext(429);
    expect(await resolve(refresh)).toMatchObject({ result: "retry" });
    sim.failNext(401);
    expect(await resolve(refresh)).toMatchObject({ result: "retry" });
    expect(await resolve(refresh)).toMatchObject({
      result: "rejected",
      reason: expect.stringContaining("404"),
    });
  });
});
