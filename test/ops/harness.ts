import { MemoryAuditTrail } from "../../local/memory-audit-trail.ts";
import { MemoryChangeScheduler } from "../../local/memory-change-scheduler.ts";
import { MemoryQueue } from "../../local/memory-queue.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { localOperatorDeps } from "../../local/operator-endpoint.ts";
import { operatorCommands } from "../../shared/ops/commands.ts";
import { MemoryDeprovisioningHolds } from "../../shared/sync/memory-deprovisioning-holds.ts";
import type { Log } from "../../shared/sync/ports.ts";
import { type SyncDeps, syncChanges } from "../../shared/sync/sync-changes.ts";
import { ScriptedProvider } from "../sync/scripted-provider.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
export const t0 = Date.UTC(2026, 2, 1, 9);

/** The in-memory adapters the local runtime's operator endpoint works on, fed by the real sync core. */
export function operatorHarness(guard = { maxShare: 0.1, minPeople: 20 }) {
  let now = t0;
  const clock = () => now;
  const store = new MemoryStateStore();
  const holds = new MemoryDeprovisioningHolds(clock);
  const audit = new MemoryAuditTrail({ retentionDays: 30, now: clock });
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 1000 }, clock);
  const scheduler = new MemoryChangeScheduler(queue, { now: clock });
  const descope = new ScriptedProvider("descope");
  const zitadel = new ScriptedProvider("zitadel");
  const syncDeps: SyncDeps = {
    store,
    providers: [descope, zitadel],
    deadLetters: queue.deadLetterSink,
    log: silent,
    audit,
    now: clock,
    guard: { holds, settings: { enabled: true, windowSeconds: 3600, ...guard }, now: clock },
  };
  const deps = { ...localOperatorDeps({ store, holds, audit, queue, scheduler }), now: clock };
  let sent = 0;
  return {
    store,
    holds,
    audit,
    queue,
    scheduler,
    descope,
    zitadel,
    deps,
    advance: (ms: number) => {
      now += ms;
    },
    sync: (...changes: object[]) =>
      syncChanges(
        changes.map((change) => {
          sent += 1;
          return { messageId: `m${sent}`, body: JSON.stringify(change) };
        }),
        syncDeps,
      ),
    /** Runs an operator command as the endpoint does (JSON in, JSON out) and renders it as the CLI does. */
    run: async (name: string, args: unknown) => {
      const command = operatorCommands[name];
      if (!command) throw new Error(name);
      const result = JSON.parse(JSON.stringify(await command.run(deps, args)));
      return { result, ...command.render(result) };
    },
  };
}
