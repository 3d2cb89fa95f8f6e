import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  bundleFile,
  bundleLambda,
  type LambdaName,
  lambdaEntries,
  repoRoot,
} from "../infra/lambda-bundle.ts";
import { exampleConfigFile, loadConfig } from "../infra/load-config.ts";

/** What the functions read at import time, as the stack sets it (values only need the right shape). */
const importEnvironment = {
  IDP_SYNC_CONFIG: JSON.stringify(loadConfig(exampleConfigFile, repoRoot).config),
  QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/111122223333/changes",
  DLQ_URL: "https://sqs.eu-west-1.amazonaws.com/111122223333/dead-letters",
  STATE_TABLE: "state",
  AWS_REGION: "eu-west-1",
  NODE_OPTIONS: "--enable-source-maps",
};

/** Imports the bundle in the child; prints the wall and CPU milliseconds the import took. */
const importer = `
const wall = performance.now(), cpu = process.cpuUsage();
await import(process.argv[1]);
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 }));`;

/** Imports a bundle in a fresh node with the stack's environment (plus `extra`); throws if it fails. */
export function coldImport(
  file: string,
  extra: Record<string, string> = {},
): { wallMs: number; cpuMs: number } {
  const child = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", importer, pathToFileURL(file).href],
    {
      env: { PATH: process.env.PATH ?? "", ...importEnvironment, ...extra },
      encoding: "utf8",
    },
  );
  if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "");
}

/** A scratch directory outside the project: a bundle must import without any node_modules. */
export function bundleDirectory(): string {
  return mkdtempSync(join(tmpdir(), "idp-sync-bundles-"));
}

/**
 * Each function's bundle as the stack deploys it (the shared definition in infra/lambda-bundle.ts): the
 * size of its code (entry and chunks) and of its source maps, and the time a fresh Node process takes to import it with the configuration
 * set — the least of `runs` processes, the figure least disturbed by other work on the machine.
 */
export async function measureLambdaBundles(runs = 9) {
  const dir = bundleDirectory();
  try {
    const measured = [];
    for (const name of Object.keys(lambdaEntries) as LambdaName[]) {
      const outdir = join(dir, name);
      const size = await bundleLambda(name, outdir);
      const file = join(outdir, bundleFile);
      const imports = Array.from({ length: runs }, () => coldImport(file));
      measured.push({
        function: name,
        entryKB: Math.round(size.entryBytes / 1024),
        allChunksKB: Math.round(size.totalBytes / 1024),
        sourceMapsKB: Math.round(
          readdirSync(outdir)
            .filter((entry) => entry.endsWith(".map"))
            .reduce((sum, entry) => sum + statSync(join(outdir, entry)).size, 0) / 1024,
        ),
        sourcesContent: "sourcesContent" in JSON.parse(readFileSync(`${file}.map`, "utf8")),
        coldImportMs: Math.round(Math.min(...imports.map((run) => run.wallMs))),
        coldImportCpuMs: Math.round(Math.min(...imports.map((run) => run.cpuMs))),
        runs,
      });
    }
    return measured;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
