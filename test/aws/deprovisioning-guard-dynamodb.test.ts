import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { DynamoDbDeprovisioningHolds } from "../../shared/aws/dynamodb-deprovisioning-holds.ts";
import { DynamoDbStateStore } from "../../shared/aws/dynamodb-state-store.ts";
import { listHeld, releaseHeld } from "../../shared/ops/guard-commands.ts";
import type { PlannedOperation } from "../../shared/sync/plan.ts";
import type { Provider } from "../../shared/sync/ports.ts";
import { syncChanges } from "../../shared/sync/sync-changes.ts";
import { change } from "../sync/fixtures.ts";
import { type Dynalite, startDynalite } from "./dynalite.ts";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("deprovisioning guard on DynamoDB (dynalite)", () => {
  it("holds 30 of 100 leavers in the table, and applies exactly those once released", async () => {
    const tableName = await dynamo.createStateTable();
    const holds = new DynamoDbDeprovisioningHolds({ client: dynamo.client, tableName });
    const { state, leave, store, sync, queue, persons } = await guarded(holds, tableName, "delete");
    expect(await store.countUsers("descope")).toBe(100);

    const report = await leave(0, 30);

    expect(report.held).toEqual({ descope: 30 });
    expect(state.applied).toEqual([]);
    expect((await listHeld(holds)).held.map((held) => held.person).sort()).toEqual(
      persons.slice(0, 30).sort(),
    );

    const requeued: string[] = [];
    await releaseHeld({
      holds,
      deadLetters: queue.deadLetterSink,
      requeue: async (bodies) => void requeued.push(...bodies),
    });
    await sync(requeued);

    expect(state.applied.map((operation) => `${operation.op} ${operation.person}`).sort()).toEqual(
      persons
        .slice(0, 30)
        .map((p) => `delete ${p}`)
        .sort(),
    );
    expect(await store.countUsers("descope")).toBe(70);
    expect(await listHeld(holds)).toEqual({ holding: [], held: [] });
  });

  /** 100 users at a provider that dies (no outcome) while `dying` is set, guarded by `holds`. */
  async function guarded(
    holds: DynamoDbDeprovisioningHolds,
    tableName: string,
    leaverPolicy: Provider["leaverPolicy"] = "deactivate",
  ) {
    const store = new DynamoDbStateStore({ client: dynamo.client, tableName });
    const state = { dying: false, applied: [] as PlannedOperation[] };
    const provider: Provider = {
      name: "descope",
      leaverPolicy,
      apply: async (operations) => {
        if (state.dying) throw new Error("killed");
        state.applied.push(...operations);
        return operations.map((operation) => ({ person: operation.person, result: "applied" }));
      },
    };
    const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 1000 });
    const settings = { enabled: true, maxShare: 0.1, minPeople: 20, windowSeconds: 3600 };
    const deps = {
      store,
      providers: [provider],
      deadLetters: queue.deadLetterSink,
      log: silent,
      guard: { holds, settings },
    };
    let sent = 0;
    const sync = (bodies: string[]) =>
      syncChanges(
        bodies.map((body) => {
          sent += 1;
          return { messageId: `m${sent}`, body };
        }),
        deps,
      );
    const persons = Array.from({ length: 100 }, (_, n) => `p${n}`);
    await sync(persons.map((p) => JSON.stringify(change(p, 1, { loginId: `${p}@example.com` }))));
    state.applied.length = 0;
    const leave = (from: number, to: number) =>
      sync(persons.slice(from, to).map((p) => JSON.stringify(change(p, 9, {}, leaverPolicy, `leave-${p}`))));
    return { state, leave, store, sync, queue, persons };
  }

  it("counts a leaver once however often it comes back: 15 leavers redelivered three times stay 15", async () => {
    const tableName = await dynamo.createStateTable();
    const holds = new DynamoDbDeprovisioningHolds({ client: dynamo.client, tableName });
    const { state, leave } = await guarded(holds, tableName);

    state.dying = true;
    for (let receive = 0; receive < 3; receive += 1) expect((await leave(0, 15)).retry).toHaveLength(15);
    state.dying = false;
    const report = await leave(0, 15);

    // Counted by addition, 60 leavers would have been held; as persons, 15 apply.
    expect(report.held).toBeUndefined();
    expect(state.applied).toHaveLength(15);
    expect(await holds.addLeavers("descope", [], Date.now(), 3600)).toEqual({ inWindow: 15 });
  });

  it("holds exactly the leavers of an invocation that died between counting and holding them", async () => {
    const tableName = await dynamo.createStateTable();
    let dieOnHold = true;
    const holds = new (class extends DynamoDbDeprovisioningHolds {
      override async hold(leavers: Parameters<DynamoDbDeprovisioningHolds["hold"]>[0]) {
        if (dieOnHold) throw new Error("killed between counting and holding");
        return super.hold(leavers);
      }
    })({ client: dynamo.client, tableName });
    const { state, leave, store } = await guarded(holds, tableName);

    expect((await leave(0, 25)).retry).toHaveLength(25); // counted and holding, then died: nothing applied
    dieOnHold = false;
    expect((await leave(0, 25)).held).toEqual({ descope: 25 });

    expect(state.applied).toEqual([]);
    expect((await listHeld(holds)).held).toHaveLength(25);
    expect(await holds.addLeavers("descope", [], Date.now(), 3600)).toMatchObject({ inWindow: 25 });
    expect(await store.countUsers("descope")).toBe(100);
  });
});
