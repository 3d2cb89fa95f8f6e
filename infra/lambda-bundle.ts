import { spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { lambdaBundleTrims } from "./lambda-bundle-trims.ts";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** The stack's Lambda functions: the name each is known by, and its handler module. */
export const lambdaEntries = {
  ingest: join(repoRoot, "functions/ingest/handler.ts"),
  sync: join(repoRoot, "functions/sync/handler.ts"),
  reconcile: join(repoRoot, "functions/reconcile/handler.ts"),
} as const;
export type LambdaName = keyof typeof lambdaEntries;

/** The file a bundle's handler lives in: Lambda's handler setting is `index.handler`. */
export const bundleFile = "index.mjs";

/**
 * Node builtins as CommonJS modules. An ES module import of a builtin makes Node build an ES facade that
 * reads every export, lazy getters included: `node:http`'s WebSocket getter alone loads undici, about
 * 50 ms of a cold start. `process.getBuiltinModule` hands over the module object and reads nothing.
 */
const builtinsWithoutFacades: Plugin = {
  name: "builtins-without-facades",
  setup(builder) {
    const builtins = new Set(builtinModules);
    builder.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, ({ path }) => {
      const name = path.replace(/^node:/, "");
      return builtins.has(name) ? { path: name, namespace: "node-builtin" } : undefined;
    });
    builder.onLoad({ filter: /.*/, namespace: "node-builtin" }, ({ path }) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${path}`)});`,
      loader: "js",
    }));
  },
};

/**
 * How every function is bundled, in one place: the stack deploys exactly this output and `npm run bench`
 * measures it.
 *
 * - Everything is bundled, the AWS SDK too: the versions tested here are the versions that run, and the
 *   SDK's ES modules, tree-shaken, load faster than the runtime's CommonJS copy (see docs/deploying.md).
 * - What is imported dynamically becomes a chunk of its own, loaded only when used: the Scheduler adapter
 *   and its client.
 * - What never runs on Lambda is not shipped at all (`lambdaBundleTrims`).
 * - Source maps carry positions and names but no sources: Node needs only those to rewrite stack traces
 *   (`--enable-source-maps`), and they shrink from 3.9 MB to 0.7–0.8 MB (all chunks).
 */
export function lambdaBuildOptions(name: LambdaName, outdir: string): BuildOptions {
  return {
    entryPoints: { index: lambdaEntries[name] },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // ES module builds first, so that esbuild can drop what a function never calls.
    mainFields: ["module", "main"],
    minify: true,
    splitting: true,
    chunkNames: "chunk-[hash]",
    plugins: [builtinsWithoutFacades, ...lambdaBundleTrims],
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "warning",
  };
}

export interface BundleSize {
  /** The entry module, what Lambda loads at cold start. */
  entryBytes: number;
  /** Every module in the bundle, the chunks loaded later or never included. */
  totalBytes: number;
}

/** Bundles one function into `outdir`. */
export async function bundleLambda(name: LambdaName, outdir: string): Promise<BundleSize> {
  const { metafile } = await build({ ...lambdaBuildOptions(name, outdir), metafile: true });
  const modules = Object.entries(metafile.outputs).filter(([file]) => file.endsWith(".mjs"));
  return {
    entryBytes: modules.find(([file]) => file.endsWith(`/${bundleFile}`))?.[1].bytes ?? 0,
    totalBytes: modules.reduce((sum, [, output]) => sum + output.bytes, 0),
  };
}

/**
 * The same, for CDK's local bundling, which must be synchronous (esbuild plugins need its asynchronous
 * API): runs this module as a script in a child process.
 */
export function bundleLambdaSync(name: LambdaName, outdir: string): void {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), name, outdir], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (child.status !== 0) throw new Error(`bundling the ${name} function failed (exit ${child.status})`);
}

if (import.meta.main) {
  const [name, outdir] = process.argv.slice(2);
  if (!(name && name in lambdaEntries && outdir))
    throw new Error("usage: lambda-bundle.ts <ingest|sync> <outdir>");
  await bundleLambda(name as LambdaName, outdir);
}
