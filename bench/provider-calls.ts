import type { UserChange } from "../shared/model/change.ts";
import { startDescopeBench } from "./descope-stack.ts";

/** `changes` upserts for `people` persons: each person joins, then changes department now and then. */
function changeStream(changes: number, people: number): UserChange[] {
  return Array.from({ length: changes }, (_, index) => {
    const person = index % people;
    return {
      id: `c${index}`,
      source: "bench",
      person: `E-${person}`,
      at: new Date(1_700_000_000_000 + index * 1000).toISOString(),
      kind: "upsert",
      attributes: {
        loginId: `user${person}@example.com`,
        email: `user${person}@example.com`,
        givenName: "Given",
        familyName: `Family${person}`,
        department: `Dept ${Math.floor(index / people) % 3}`,
        active: true,
      },
    };
  });
}

/**
 * The whole pipeline (local runtime → Descope simulator) for a stream of changes: how many provider calls
 * it takes against the one-call-per-change baseline, and how long, against what the rate limit allows.
 */
export async function measureProviderCalls(options: {
  changes: number;
  people: number;
  usersPerBatch: number;
  createPerMinute: number | false;
}) {
  const limits =
    options.createPerMinute === false
      ? false
      : { createPerMinute: options.createPerMinute, otherPerMinute: 500 };
  const { simulator, runtime, stop } = await startDescopeBench({
    rateLimits: limits,
    provider: { maxUsersPerBatch: options.usersPerBatch, customAttributeNames: { department: "department" } },
  });
  try {
    const started = performance.now();
    await runtime.queue.send(changeStream(options.changes, options.people));
    await runtime.settled(15 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const calls = simulator.requests().filter((request) => request.path.startsWith("/v1/mgmt/user"));
    const creates = calls.filter((request) => request.path === "/v1/mgmt/user/create/batch").length;
    const ceilingSeconds =
      limits === false ? undefined : (options.people / (limits.createPerMinute * options.usersPerBatch)) * 60;
    return {
      changes: options.changes,
      people: options.people,
      usersInDescope: simulator.users().length,
      providerCalls: calls.length,
      baselineCalls: options.changes,
      createBatchCalls: creates,
      rateLimited: calls.filter((request) => request.status === 429).length,
      seconds: Math.round(seconds * 10) / 10,
      ...(ceilingSeconds === undefined ? {} : { ceilingSeconds: Math.round(ceilingSeconds * 10) / 10 }),
    };
  } finally {
    await stop();
  }
}
