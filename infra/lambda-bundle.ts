import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, buildSync } from "esbuild";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** The stack's Lambda functions: the name each is known by, and its handler module. */
export const lambdaEntries = {
  ingest: join(repoRoot, "functions/ingest/handler.ts"),
  sync: join(repoRoot, "functions/sync/handler.ts"),
} as const;
export type LambdaName = keyof typeof lambdaEntries;

/** The file a bundle's handler lives in: Lambda's handler setting is `index.handler`. */
export const bundleFile = "index.mjs";

/**
 * How every function is bundled, in one place: the stack deploys exactly this output and `npm run bench`
 * measures it.
 *
 * - The AWS SDK v3 is not bundled: the nodejs24.x runtime ships every `@aws-sdk/*` client, and bundling
 *   the ones used would add about 400 KB to each bundle. The price is that the runtime's SDK version, not
 *   the lock file's, runs on Lambda (the clients are used only through long-stable commands).
 * - Source maps carry positions and names but no sources: Node needs only those to rewrite stack traces
 *   (`--enable-source-maps`), and the map shrinks from 3.9 MB to about 0.4 MB.
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
    // A module imported dynamically (the Scheduler adapter) becomes its own file, loaded only when used.
    splitting: true,
    chunkNames: "chunk-[hash]",
    external: ["@aws-sdk/*"],
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "warning",
  };
}

/** Bundles one function into `outdir`; returns the size of its code (the entry and its chunks), in bytes. */
export function bundleLambda(name: LambdaName, outdir: string): number {
  const { metafile } = buildSync({ ...lambdaBuildOptions(name, outdir), metafile: true });
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith(".mjs"))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
}
