import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime.ts";
import { type DescopeSimulator, startDescopeSimulator } from "../../local/simulators/descope/simulator.ts";
import { type BambooHrSimulator, startBambooHrSimulator } from "../../local/simulators/hr/bamboohr.ts";
import { type HiBobSimulator, startHiBobSimulator } from "../../local/simulators/hr/hibob.ts";
import { type PersonioSimulator, startPersonioSimulator } from "../../local/simulators/hr/personio.ts";
import { startZitadelSimulator, type ZitadelSimulator } from "../../local/simulators/zitadel/simulator.ts";
import { acmeHeaders, acmeHr, acmeSecret } from "../sources/webhooks/acme-hr.ts";
import { hmac } from "../sources/webhooks/harness.ts";

/**
 * HR webhooks end to end: signed HTTP requests to the local runtime (the real ingest and sync handlers
 * over in-memory SQS, DynamoDB and Scheduler stand-ins), HR API simulators behind the thin webhooks, and
 * both identity provider simulators.
 */
const projectId = "P2simulatedProject0000000001";
const managementKey = "K2-management-key-secret";

let descope: DescopeSimulator;
let zitadel: ZitadelSimulator;
let bamboo: BambooHrSimulator;
let bob: HiBobSimulator;
let personio: PersonioSimulator;
let runtime: LocalRuntime;
let url: string;

beforeAll(async () => {
  descope = await startDescopeSimulator({ projectId, managementKey, rateLimits: false });
  zitadel = await startZitadelSimulator({ orgId: "org-1", pat: "zitadel-pat", requestsPerSecond: false });
  bamboo = await startBambooHrSimulator({ apiKey: "bamboo-api-key" });
  bob = await startHiBobSimulator({ serviceUserId: "SERVICE", token: "bob-token" });
  personio = await startPersonioSimulator({ clientId: "client", clientSecret: "client-secret" });
  runtime = await startLocalRuntime({
    port: 0,
    logLevel: "SILENT",
    config: {
      providers: [
        { type: "descope", secretName: "descope-key", baseUrl: descope.url, requestTimeoutMs: 2000 },
        {
          type: "zitadel",
          secretName: "zitadel-pat",
          baseUrl: zitadel.url,
          orgId: "org-1",
          requestsPerSecond: 500,
        },
      ],
      queue: { maxBatchingWindowSeconds: 0, retryBaseSeconds: 0.05, retryMaxSeconds: 0.2 },
      webhooks: [
        {
          type: "bamboohr",
          name: "bamboohr",
          secretNames: ["bamboohr-webhook"],
          api: { baseUrl: bamboo.url, apiKeySecretName: "bamboohr-api-key" },
        },
        {
          type: "hibob",
          name: "hibob",
          secretNames: ["hibob-webhook"],
          api: { baseUrl: bob.url, credentialsSecretName: "hibob-api" },
        },
        {
          type: "personio",
          name: "personio",
          secretNames: ["personio-webhook"],
          api: { baseUrl: personio.url, credentialsSecretName: "personio-api" },
        },
        acmeHr,
      ],
    },
    secrets: {
      "descope-key": `${projectId}:${managementKey}`,
      "zitadel-pat": "zitadel-pat",
      "bamboohr-webhook": "bamboo-key",
      "bamboohr-api-key": "bamboo-api-key",
      "hibob-webhook": "bob-key",
      "hibob-api": "SERVICE:bob-token",
      "personio-webhook": "personio-token",
      "personio-api": "client:client-secret",
      "acme-hr-signing": acmeSecret,
      "acme-hr-signing-next": "next",
    },
  });
  url = runtime.url;
});

afterAll(async () => {
  await runtime.stop();
  await Promise.all([descope.close(), zitadel.close(), bamboo.close(), bob.close(), personio.close()]);
});

const post = (source: string, body: string, headers: Record<string, string>) =>
  fetch(`${url}/webhooks/${source}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

async function eventually<T>(read: () => T, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const userWith = (loginId: string) => () => descope.users().find((user) => user.loginIds.includes(loginId));
const zitadelUserWith = (userName: string) => () =>
  zitadel.users().find((user) => user.username === userName);

describe("HR webhooks end to end to both provider simulators", () => {
  it("BambooHR: a signed event-based webhook creates the employee read from the BambooHR API", async () => {
    bamboo.setEmployee("67890", {
      firstName: "Bryony",
      lastName: "Hall",
      workEmail: "bryony.hall@acme.example",
      department: "Finance",
      status: "Active",
    });
    const body = JSON.stringify({
      type: "employee.created",
      timestamp: new Date().toISOString(),
      data: { companyId: "12345", employeeId: "67890" },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await post("bamboohr", body, {
      "X-BambooHR-Timestamp": timestamp,
      "X-BambooHR-Signature": hmac("sha256", "bamboo-key", body + timestamp, "hex"),
    });
    expect(response.status).toBe(202);
    const user = await eventually(userWith("bryony.hall@acme.example"), Boolean);
    expect(user).toMatchObject({
      givenName: "Bryony",
      familyName: "Hall",
      email: "bryony.hall@acme.example",
    });
  });

  it("HiBob: the ping is answered, a signed event creates the employee, a forged one changes nothing", async () => {
    expect((await post("hibob", "Ping test", { "content-type": "text/plain" })).status).toBe(200);
    bob.setEmployee("3332883854254932743", {
      firstName: "Dana",
      surname: "Cohen",
      email: "dana.cohen@acme.example",
      internal: { status: "Active" },
    });
    const body = JSON.stringify({
      companyId: 636192,
      type: "employee.created",
      triggeredBy: "3332883804594373380",
      triggeredAt: new Date().toISOString().replace("Z", ""),
      version: "v2",
      data: { employeeId: "3332883854254932743" },
    });
    const forged = await post("hibob", body, { "Bob-Signature": hmac("sha512", "guess", body, "base64") });
    expect(forged.status).toBe(401);
    const response = await post("hibob", body, {
      "Bob-Signature": hmac("sha512", "bob-key", body, "base64"),
    });
    expect(response.status).toBe(202);
    const user = await eventually(userWith("dana.cohen@acme.example"), Boolean);
    expect(user).toMatchObject({ givenName: "Dana", familyName: "Cohen" });
    const inZitadel = await eventually(zitadelUserWith("dana.cohen@acme.example"), Boolean);
    expect(inZitadel?.human.profile).toMatchObject({ givenName: "Dana", familyName: "Cohen" });
  });

  it("Personio: a person.created webhook with the configured token creates the person", async () => {
    personio.setPerson(
      "4711",
      { first_name: "Jonas", last_name: "Weber", email: "jonas.weber@acme.example" },
      { status: "ACTIVE" },
    );
    const body = JSON.stringify({
      company_id: "1",
      event_name: "person.created",
      occurred_at: new Date().toISOString(),
      payload: { id: "4711" },
      meta: {},
    });
    expect((await post("personio", body, { Authorization: "personio-token" })).status).toBe(202);
    const user = await eventually(userWith("jonas.weber@acme.example"), Boolean);
    expect(user).toMatchObject({ givenName: "Jonas", familyName: "Weber" });
  });

  it("a system connected by configuration alone: hire, then a leaver deactivated at its effective time", async () => {
    const send = async (event: string, id: string, employee: object) => {
      const body = JSON.stringify({ event_id: id, event, occurred_at: new Date().toISOString(), employee });
      return post("acme-hr", body, acmeHeaders(body, Date.now()));
    };
    const hire = await send("employee.hired", "e2e-1", {
      id: "E-9",
      work_email: "mia@acme.example",
      first_name: "Mia",
      last_name: "Roth",
    });
    expect(hire.status).toBe(202);
    await eventually(userWith("mia@acme.example"), Boolean);

    // Leaves two seconds from now, given as local Berlin time.
    const leaves = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
    const berlin = new Intl.DateTimeFormat("sv-SE", {
      timeZone: "Europe/Berlin",
      dateStyle: "short",
      timeStyle: "medium",
    })
      .format(leaves)
      .replace(" ", "T");
    const terminate = await send("employee.terminated", "e2e-2", {
      id: "E-9",
      termination: { date: berlin },
    });
    expect(JSON.parse(await terminate.text()).scheduled).toHaveLength(1);
    expect(userWith("mia@acme.example")()?.status).not.toBe("disabled");

    const user = await eventually(
      userWith("mia@acme.example"),
      (found) => found?.status === "disabled",
      10_000,
    );
    expect(user?.status).toBe("disabled");
    expect(
      (await eventually(zitadelUserWith("mia@acme.example"), (found) => found?.state === "USER_STATE_LOCKED"))
        ?.state,
    ).toBe("USER_STATE_LOCKED"); // imported without a password, Mia is "initial": ZITADEL can only lock her
    const disabledAt = Date.now();
    expect(disabledAt).toBeGreaterThanOrEqual(leaves.getTime());
    expect(disabledAt - leaves.getTime()).toBeLessThan(60_000);
  });
});
