import { describe, expect, it } from "vitest";
import { type ImportGraph, importCycles, importGraph, modulesImportingPackage } from "./import-graph.ts";

/**
 * The import graph of the product's code (issue 15): no module imports itself through others, and the
 * arrows point inward (sources → model ← sync core ← providers; the core imports no AWS, provider or
 * runtime module; sources import no AWS adapter).
 */
const productDirs = ["shared", "functions", "local", "infra", "bin"];
const graph = importGraph(productDirs);

interface LayerRule {
  from: string;
  never: readonly string[];
}

const layerRules: readonly LayerRule[] = [
  { from: "shared/sources/", never: ["shared/aws/"] },
  { from: "shared/sync/", never: ["shared/aws/", "shared/providers/", "functions/", "local/"] },
];

function violations(imports: ImportGraph, rules: readonly LayerRule[]): string[] {
  return [...imports].flatMap(([module, targets]) =>
    rules
      .filter((rule) => module.startsWith(rule.from))
      .flatMap((rule) =>
        targets
          .filter((target) => rule.never.some((layer) => target.startsWith(layer)))
          .map((target) => `${module} → ${target}`),
      ),
  );
}

describe("import graph", () => {
  it("reads the relative imports of every module, type-only ones included", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("local/sqs-poller.ts")).toEqual(
      expect.arrayContaining(["local/invocation-context.ts", "local/memory-queue.ts"]),
    );
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("keeps sources off the AWS adapters and the sync core off AWS, providers, handlers and the local runtime", () => {
    expect(violations(graph, layerRules)).toEqual([]);
  });

  it("finds a cycle through several modules and a forbidden import (the checks can fail)", () => {
    const made: ImportGraph = new Map([
      ["shared/sync/a.ts", ["shared/sync/b.ts"]],
      ["shared/sync/b.ts", ["shared/sync/c.ts", "shared/aws/d.ts"]],
      ["shared/sync/c.ts", ["shared/sync/a.ts"]],
      ["shared/aws/d.ts", []],
    ]);

    expect(importCycles(made)).toEqual([
      ["shared/sync/a.ts", "shared/sync/b.ts", "shared/sync/c.ts", "shared/sync/a.ts"],
    ]);
    expect(violations(made, layerRules)).toEqual(["shared/sync/b.ts → shared/aws/d.ts"]);
  });
});

describe("schemas", () => {
  const schemaMessages = "shared/model/schema-messages.ts";

  it("load zod's English messages wherever zod/mini is used, so no issue reads a bare 'Invalid input'", () => {
    const users = modulesImportingPackage(productDirs, "zod/mini").filter(
      (module) => module !== schemaMessages,
    );
    expect(users.length).toBeGreaterThan(30);
    expect(users.filter((module) => !graph.get(module)?.includes(schemaMessages))).toEqual([]);
  });
});
