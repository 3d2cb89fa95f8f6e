import { measureCoreThroughput } from "./core-throughput.ts";
import { measureLambdaBundles } from "./lambda-bundles.ts";
import { measureLeaverLatency } from "./leaver-latency.ts";
import { measureProviderCalls } from "./provider-calls.ts";
import { measureReconcile } from "./reconcile.ts";

/** `npm run bench`: figures that tests must not time. Prints one JSON line per measurement. */
const print = (bench: string, figures: object) => console.log(JSON.stringify({ bench, ...figures }));
// The local runtime's EMF metrics would interleave their own lines.
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

for (const bundle of await measureLambdaBundles())
  print(
    `lambda bundle: ${bundle.function} (size, and cold import in a fresh node, least of ${bundle.runs})`,
    bundle,
  );
print("core: parse → normalise → merge → plan (one core)", measureCoreThroughput());
print(
  "pipeline: provider calls for 10,000 changes to 2,000 people (Descope simulator, no rate limit)",
  await measureProviderCalls({ changes: 10_000, people: 2_000, usersPerBatch: 100, createPerMinute: false }),
);
print(
  "pipeline: 2,000 joiners against a create limit of 60 calls/min × 50 users/call (ceiling 40 s)",
  await measureProviderCalls({ changes: 2_000, people: 2_000, usersPerBatch: 50, createPerMinute: 60 }),
);
print(
  "reconcile: 10,000 people, 1 % changed at Descope by hand (listing pages of 100, repairs in batches of 100)",
  await measureReconcile({ people: 10_000, driftShare: 0.01, pageSize: 100, usersPerBatch: 100 }),
);
print(
  "pipeline: leaver latency, webhook sent → provider deactivated, 1,000 leavers in a burst of 10,000 webhooks",
  await measureLeaverLatency({ people: 2_000, burst: 10_000, leavers: 1_000 }),
);
