import { afterEach, describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../../local/memory-state-store.ts";
import { type HiBobSimulator, startHiBobSimulator } from "../../../local/simulators/hr/hibob.ts";
import { parseConfig } from "../../../shared/config/schema.ts";
import type { WebhookSourceInput } from "../../../shared/config/webhooks.ts";
import { createRefreshResolver } from "../../../shared/sources/webhooks/refresh.ts";
import type { PlannedOperation } from "../../../shared/sync/plan.ts";
import type { Provider } from "../../../shared/sync/ports.ts";
import { type SyncDeps, syncChanges } from "../../../shared/sync/sync-changes.ts";
import { acmeEvent, acmeHeaders, acmeHr, acmeSecret, ann } from "./acme-hr.ts";
import { hmac, silent, type WebhookHarness, webhookHarness } from "./harness.ts";

/** Applies everything and remembers what it did, and when by the test's clock. */
class RecordingProvider implements Provider {
  readonly name = "idp";
  readonly leaverPolicy = "deactivate" as const;
  readonly applied: { at: string; op: string; active?: boolean }[] = [];
  readonly now: () => number;
  constructor(now: () => number) {
    this.now = now;
  }
  async apply(operations: readonly PlannedOperation[]) {
    for (const operation of operations) {
      const active =
        operation.op === "status"
          ? operation.active
          : operation.op === "create"
            ? operation.user.active
            : undefined;
      this.applied.push({
        at: new Date(this.now()).toISOString(),
        op: operation.op,
        ...(active === undefined ? {} : { active }),
      });
    }
    return operations.map((operation) => ({ person: operation.person, result: "applied" as const }));
  }
}

/** Runs the sync step over whatever is queued, as the SQS-triggered Lambda would. */
async function syncQueued(harness: WebhookHarness, deps: SyncDeps) {
  const messages = harness.queue.receive(100);
  await syncChanges(messages, deps);
  harness.queue.delete(messages.map((message) => message.messageId));
}

const start = Date.UTC(2026, 2, 20, 9, 0, 0);
const effective = Date.UTC(2026, 2, 31, 22, 0, 0); // 2026-03-31 ends in Berlin (CEST, UTC+2)

describe("a future-dated leaver (full events)", () => {
  it("is deactivated when the leaving day ends in the employee's zone: not earlier, not later", async () => {
    const harness = webhookHarness(
      [acmeHr],
      { "acme-hr-signing": acmeSecret, "acme-hr-signing-next": "x" },
      start,
    );
    const provider = new RecordingProvider(harness.clock.now);
    const deps: SyncDeps = {
      store: new MemoryStateStore(),
      providers: [provider],
      deadLetters: harness.queue.deadLetterSink,
      log: silent,
    };
    const send = async (event: string, id: string, employee: object, occurredAt: string) => {
      const body = acmeEvent(event, id, occurredAt, { ...ann, ...employee });
      expect((await harness.post("acme-hr", body, acmeHeaders(body, harness.clock.now()))).status).toBe(202);
      await syncQueued(harness, deps);
    };

    await send("employee.hired", "e1", {}, "2026-03-20T08:59:00Z");
    await send("employee.terminated", "e2", { termination: { date: "2026-03-31" } }, "2026-03-20T08:59:30Z");
    harness.clock.set(Date.UTC(2026, 2, 25, 12, 0, 0));
    await send("employee.updated", "e3", { department: "Sales" }, "2026-03-25T11:59:00Z"); // a mover before leaving

    harness.clock.set(effective - 1000);
    expect(await harness.scheduler.releaseDue()).toEqual([]);
    harness.clock.set(effective);
    expect((await harness.scheduler.releaseDue()).map((change) => change.kind)).toEqual(["deactivate"]);
    await syncQueued(harness, deps);

    expect(provider.applied).toEqual([
      { at: "2026-03-20T09:00:00.000Z", op: "create", active: true },
      { at: "2026-03-25T12:00:00.000Z", op: "patch" },
      { at: "2026-03-31T22:00:00.000Z", op: "status", active: false },
    ]);
  });
});

describe("a future-dated leaver (thin events, HiBob)", () => {
  let sim: HiBobSimulator;
  afterEach(() => sim.close());

  const hibob = (baseUrl: string): WebhookSourceInput => ({
    type: "hibob",
    name: "hibob",
    secretNames: ["hibob-webhook"],
    leavers: { timeZone: "Europe/Berlin" },
    api: { baseUrl, credentialsSecretName: "hibob-service-user", requestTimeoutMs: 1000 },
  });

  async function setup() {
    sim = await startHiBobSimulator({ serviceUserId: "S", token: "T" });
    const harness = webhookHarness(
      [hibob(sim.url)],
      { "hibob-webhook": "bob", "hibob-service-user": "S:T" },
      start,
    );
    const provider = new RecordingProvider(harness.clock.now);
    const config = parseConfig({
      scim: { tokenSecretName: "t" },
      providers: [{ type: "descope", secretName: "d" }],
      webhooks: [hibob(sim.url)],
    });
    const deps: SyncDeps = {
      store: new MemoryStateStore(),
      providers: [provider],
      deadLetters: harness.queue.deadLetterSink,
      log: silent,
      refresh: createRefreshResolver({
        config,
        secrets: harness.secrets,
        log: silent,
        scheduler: harness.scheduler,
        now: harness.clock.now,
      }),
    };
    const notify = async (type: string) => {
      const body = JSON.stringify({
        companyId: 1,
        type,
        triggeredBy: "system",
        triggeredAt: new Date(harness.clock.now()).toISOString().replace("Z", ""),
        version: "v2",
        data: { employeeId: "B-1" },
      });
      const signature = hmac("sha512", "bob", body, "base64");
      expect((await harness.post("hibob", body, { "Bob-Signature": signature })).status).toBe(202);
      await syncQueued(harness, deps);
    };
    const employee = (terminationDate: string | null) =>
      sim.setEmployee("B-1", {
        firstName: "Dana",
        surname: "Cohen",
        email: "dana@acme.example",
        internal: { status: "Active", terminationDate },
      });
    return { harness, provider, deps, notify, employee };
  }

  it("holds a refresh that deactivates at the leaving time even though Bob still says Active", async () => {
    const { harness, provider, deps, notify, employee } = await setup();
    employee(null);
    await notify("employee.created");
    employee("2026-03-31");
    await notify("employee.updated");
    expect(harness.scheduler.pending().map(({ at }) => at.toISOString())).toEqual([
      "2026-03-31T22:00:00.000Z",
    ]);

    harness.clock.set(effective);
    await harness.scheduler.releaseDue();
    await syncQueued(harness, deps);
    expect(provider.applied).toEqual([
      { at: "2026-03-20T09:00:00.000Z", op: "create", active: true },
      { at: "2026-03-31T22:00:00.000Z", op: "status", active: false },
    ]);
  });

  it("changes nothing when the termination was withdrawn before it took effect", async () => {
    const { harness, provider, deps, notify, employee } = await setup();
    employee("2026-03-31");
    await notify("employee.created");
    employee(null);
    harness.clock.set(effective);
    await harness.scheduler.releaseDue();
    await syncQueued(harness, deps);
    expect(provider.applied).toEqual([{ at: "2026-03-20T09:00:00.000Z", op: "create", active: true }]);
  });
});
