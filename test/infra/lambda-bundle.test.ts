import { describe, expect, it } from "vitest";
import { measureLambdaBundles } from "../../bench/lambda-bundles.ts";

describe("the Lambda bundles", () => {
  it("import in a fresh node with the stack's environment, stay under 500 KB and ship maps without sources", () => {
    // measureLambdaBundles throws when a bundle fails to import; its timings are for npm run bench only.
    const bundles = measureLambdaBundles(1);
    expect(bundles.map((bundle) => bundle.function)).toEqual(["ingest", "sync"]);
    for (const bundle of bundles) {
      expect(bundle.bundleKB).toBeLessThanOrEqual(500);
      expect(bundle.sourcesContent).toBe(false);
    }
  });
});
