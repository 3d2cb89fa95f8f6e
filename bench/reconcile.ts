import type { UserChange } from "../shared/model/change.ts";
import { reconcileDepsFor } from "../shared/ops/reconcile-deps.ts";
import { searchPath } from "../shared/providers/descope/list-users.ts";
import { runReconcile } from "../shared/reconcile/run.ts";
import { chunk } from "../shared/sync/plan.ts";
import { authorization, startDescopeBench } from "./descope-stack.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const personOf = (index: number) => ({
  loginId: `user${index}@example.com`,
  email: `user${index}@example.com`,
  givenName: "Given",
  familyName: `Family${index}`,
  active: true,
});

const upsert = (index: number, at: string): UserChange => ({
  id: `hr-${index}-${at}`,
  source: "hr",
  person: `E-${index}`,
  at,
  kind: "upsert",
  attributes: personOf(index),
});

/**
 * Reconcile of a directory of `people` of whom `driftShare` were changed at Descope by hand: the provider
 * calls it takes (listing pages, then the repairs in batches) against the minimum, ⌈people / page size⌉ +
 * ⌈repairs / batch size⌉, and how long planning and repairing take.
 */
export async function measureReconcile(options: {
  people: number;
  driftShare: number;
  pageSize: number;
  usersPerBatch: number;
}) {
  const { simulator, runtime, stop } = await startDescopeBench({
    rateLimits: false,
    provider: { maxUsersPerBatch: options.usersPerBatch },
    config: { reconcile: { listPageSize: options.pageSize } },
  });
  try {
    const indexes = [...Array(options.people).keys()];
    await runtime.queue.send(indexes.map((index) => upsert(index, "2026-01-01T00:00:00.000Z")));
    await runtime.settled(15 * 60_000);
    const drifted = indexes.filter((index) => index % Math.round(1 / options.driftShare) === 0);
    for (const users of chunk(drifted, 100))
      await fetch(`${simulator.url}/v1/mgmt/user/patch/batch`, {
        method: "PATCH",
        headers: {
          authorization,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          users: users.map((index) => ({ loginId: personOf(index).loginId, givenName: "Changed by hand" })),
        }),
      });
    const before = simulator.requests().length;

    const started = performance.now();
    const deps = reconcileDepsFor(runtime.config, {
      store: runtime.store,
      queue: runtime.queue,
      secrets: runtime.secrets,
      log: silent,
      readersFor: () => [
        {
          source: "hr",
          readPage: async (cursor, fetchedAt) => {
            const page = Number(cursor ?? 0);
            const slice = indexes.slice(page * 1000, (page + 1) * 1000);
            const next = (page + 1) * 1000 < indexes.length ? { next: String(page + 1) } : {};
            return { changes: slice.map((index) => upsert(index, fetchedAt)), ...next };
          },
        },
      ],
    });
    const result = await runReconcile(deps, {});
    const plannedSeconds = (performance.now() - started) / 1000;
    await runtime.settled(15 * 60_000);
    const seconds = (performance.now() - started) / 1000;

    const calls = simulator
      .requests()
      .slice(before)
      .filter((request) => request.path !== "/v1/mgmt/license");
    const listing = calls.filter((request) => request.path === searchPath).length;
    const repairs = result.status === "planned" ? (result.plan.providers[0]?.counts.repair ?? 0) : 0;
    const stillDrifted = simulator.users().filter((user) => user.givenName !== "Given").length;
    return {
      people: options.people,
      drifted: drifted.length,
      repairs,
      stillDrifted,
      providerCalls: calls.length,
      listingCalls: listing,
      repairCalls: calls.length - listing,
      minimumCalls: Math.ceil(options.people / options.pageSize) + Math.ceil(repairs / options.usersPerBatch),
      planSeconds: Math.round(plannedSeconds * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    await stop();
  }
}
