import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Metrics are EMF lines on stdout; tests assert them through their own Metrics instances.
    env: { POWERTOOLS_METRICS_DISABLED: "true" },
  },
});
