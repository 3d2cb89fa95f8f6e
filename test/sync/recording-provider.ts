import { MemoryQueue } from "../../local/memory-queue.ts";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import type { PlannedOperation } from "../../shared/sync/plan.ts";
import type { ApplyContext, Log, OperationOutcome, Provider } from "../../shared/sync/ports.ts";
import type { QueuedMessage } from "../../shared/sync/sync-changes.ts";

export const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** Records every operation it is asked to apply and answers with a scripted result per person. */
/** A provider double for units of the sync core: records every operation, answers with `script`. */
export class RecordingProvider implements Provider {
  readonly leaverPolicy = "deactivate" as const;
  readonly calls: PlannedOperation[][] = [];
  readonly contexts: ApplyContext[] = [];
  script: (operation: PlannedOperation) => OperationOutcome = (operation) => ({
    person: operation.person,
    result: "applied",
    userId: `id-${operation.person}`,
  });
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  async apply(operations: readonly PlannedOperation[], context: ApplyContext = {}) {
    this.calls.push([...operations]);
    this.contexts.push(context);
    return operations.map((operation) => this.script(operation));
  }
}

export function setup(...providers: RecordingProvider[]) {
  const store = new MemoryStateStore();
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 1000 });
  const deps = { store, providers, deadLetters: queue.deadLetterSink, log: silent };
  let sent = 0;
  const message = (body: unknown): QueuedMessage => {
    sent += 1;
    return { messageId: `m${sent}`, body: typeof body === "string" ? body : JSON.stringify(body) };
  };
  return { store, queue, deps, message };
}
