import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleDirectory, coldImport, measureLambdaBundles } from "../../bench/lambda-bundles.ts";
import { bundleFile, bundleLambda } from "../../infra/lambda-bundle.ts";

describe("the Lambda bundles", () => {
  it("import in a fresh node without node_modules, hold at most 500 KB of code with every chunk, and ship maps without sources", async () => {
    // measureLambdaBundles throws when a bundle fails to import; its timings are for npm run bench only.
    const bundles = await measureLambdaBundles(1);
    expect(bundles.map((bundle) => bundle.function)).toEqual(["ingest", "sync", "reconcile"]);
    for (const bundle of bundles) {
      expect(bundle.allChunksKB).toBeLessThanOrEqual(500);
      expect(bundle.sourcesContent).toBe(false);
    }
  });

  it("load the Scheduler adapter's chunk when the stack granted scheduling", async () => {
    const dir = bundleDirectory();
    try {
      for (const name of ["ingest", "sync"] as const) {
        await bundleLambda(name, join(dir, name));
        const scheduling = {
          SCHEDULE_GROUP: "leavers",
          SCHEDULER_ROLE_ARN: "arn:aws:iam::111122223333:role/scheduler",
          QUEUE_ARN: "arn:aws:sqs:eu-west-1:111122223333:changes",
        };
        expect(() => coldImport(join(dir, name, bundleFile), scheduling)).not.toThrow();
        // Without the queue ARN the adapter cannot be built: the chunk really runs.
        expect(() => coldImport(join(dir, name, bundleFile), { SCHEDULE_GROUP: "leavers" })).toThrow(
          "QUEUE_ARN is not set",
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
