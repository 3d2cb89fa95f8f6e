import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../local/memory-state-store.ts";
import type { LeaverPolicy } from "../../shared/config/common.ts";
import type { UserChange } from "../../shared/model/change.ts";
import { runReconcile } from "../../shared/reconcile/run.ts";
import type { MergeableChange } from "../../shared/sync/desired-state.ts";
import { syncChanges } from "../../shared/sync/sync-changes.ts";
import { at, capturingQueue, pagedReader } from "./fixtures.ts";
import { MemoryProvider } from "./memory-provider.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

type Event =
  | { kind: "update"; attributes: { givenName?: string; title?: string } }
  | { kind: "leave" }
  | { kind: "rejoin" };

const eventArbitrary: fc.Arbitrary<Event> = fc.oneof(
  fc
    .record(
      { givenName: fc.constantFrom("Ann", "Bo", "Cy"), title: fc.constantFrom("Dev", "Lead", "") },
      { requiredKeys: [] },
    )
    .map((attributes) => ({ kind: "update" as const, attributes })),
  fc.constant({ kind: "leave" as const }),
  fc.constant({ kind: "rejoin" as const }),
);

/** Each person's HR history: hired, then events, then perhaps gone from HR altogether. */
const historyArbitrary = fc.array(
  fc.record({ events: fc.array(eventArbitrary, { maxLength: 4 }), gone: fc.boolean() }),
  { minLength: 1, maxLength: 5 },
);

type History = { events: Event[]; gone: boolean }[];

/** The webhooks the HR system sends for a history, stamped in time order, and its directory at the end. */
function webhooksAndDirectory(history: History) {
  const webhooks: MergeableChange[] = [];
  const directory: MergeableChange[] = [];
  let second = 0;
  const change = (
    person: string,
    kind: MergeableChange["kind"],
    attributes: MergeableChange["attributes"],
  ) => {
    second += 1;
    const made = { id: `wh-${second}`, source: "hr", person, at: at(second), kind, attributes };
    webhooks.push(made);
  };
  history.forEach(({ events, gone }, index) => {
    const person = `E${index}`;
    const loginId = `p${index}@example.com`;
    const state: Record<string, unknown> = {
      loginId,
      email: loginId,
      givenName: "New",
      familyName: "Hire",
      active: true,
    };
    change(person, "upsert", { ...state } as MergeableChange["attributes"]);
    for (const event of events) {
      if (event.kind === "update") {
        Object.assign(state, event.attributes);
        change(person, "upsert", event.attributes);
      } else {
        state.active = event.kind === "rejoin";
        change(person, event.kind === "rejoin" ? "reactivate" : "deactivate", {});
      }
    }
    if (gone) change(person, "delete", {});
    else
      directory.push({
        id: `dir-${person}`,
        source: "hr",
        person,
        at: at(0),
        kind: "upsert",
        attributes: state as MergeableChange["attributes"],
      });
  });
  return { webhooks, directory };
}

async function deliver(changes: readonly UserChange[], deps: Parameters<typeof syncChanges>[1]) {
  const messages = changes.map((change, index) => ({
    messageId: `m${index}-${change.id}`,
    body: JSON.stringify(change),
  }));
  const report = await syncChanges(messages, deps);
  expect(report.retry).toEqual([]);
  expect(report.deadLettered).toBe(0);
}

type Tampering = { index: number; kind: "rename" | "remove" };

/**
 * Delivers `webhooks` in batches, lets someone change users at the provider by hand, then reconciles with
 * the directory and delivers what reconcile queued.
 */
async function providerAfter(
  webhooks: MergeableChange[],
  directory: MergeableChange[],
  policy: LeaverPolicy,
  batch: number,
  tampering: readonly Tampering[] = [],
) {
  const store = new MemoryStateStore();
  const provider = new MemoryProvider(policy);
  const deps = { store, providers: [provider], deadLetters: { send: async () => {} }, log: silent };
  for (let start = 0; start < webhooks.length; start += batch)
    await deliver(webhooks.slice(start, start + batch), deps);
  for (const { index, kind } of tampering) {
    const ids = [...provider.users.keys()].sort();
    const userId = ids[index % Math.max(1, ids.length)];
    const user = userId === undefined ? undefined : provider.users.get(userId);
    if (userId === undefined || !user) continue;
    if (kind === "remove") provider.users.delete(userId);
    else provider.users.set(userId, { ...user, givenName: "Renamed by hand", title: "" });
  }
  const queue = capturingQueue();
  const result = await runReconcile(
    {
      sources: [pagedReader("hr", [directory.slice(0, 2), directory.slice(2)])],
      directories: [provider],
      store,
      queue,
      log: silent,
      now: () => Date.parse(at(10_000)),
    },
    {},
  );
  expect(result.status).toBe("planned");
  await deliver(queue.sent, deps);
  return provider.activeUsers();
}

describe("reconcile after lost or reordered webhooks", () => {
  it.each(["deactivate", "delete"] as const)(
    "converges to the provider state all webhooks give (who can sign in, and as what), even after changes by hand; leaver policy %s",
    async (policy) => {
      const scenario = historyArbitrary.chain((history) => {
        const { webhooks, directory } = webhooksAndDirectory(history);
        return fc.record({
          webhooks: fc.constant(webhooks),
          directory: fc.constant(directory),
          delivered: fc.shuffledSubarray(webhooks),
          batch: fc.integer({ min: 1, max: 4 }),
          tampering: fc.array(
            fc.record({ index: fc.nat(), kind: fc.constantFrom("rename" as const, "remove" as const) }),
            { maxLength: 3 },
          ),
        });
      });
      await fc.assert(
        fc.asyncProperty(scenario, async ({ webhooks, directory, delivered, batch, tampering }) => {
          const all = await providerAfter(webhooks, directory, policy, webhooks.length);
          const lossy = await providerAfter(delivered, directory, policy, batch, tampering);
          expect(lossy).toEqual(all);
        }),
        { numRuns: 150 },
      );
    },
  );
});
