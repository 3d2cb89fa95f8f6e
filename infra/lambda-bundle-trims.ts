import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Plugin } from "esbuild";

/**
 * SDK modules a function on Lambda never runs, replaced so that they are not shipped (166 KB):
 *
 * - the default credential chain: Lambda hands a function its role's credentials in environment variables
 *   (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), so the chain's SSO, profile,
 *   process, web-identity and instance-metadata providers, and the STS, SSO and sign-in clients they load,
 *   are dead weight; the SDK's own environment provider stands in for the chain;
 * - `bowser`, which parses a browser's user agent;
 * - event streams, which none of the operations the functions call uses.
 *
 * A replaced module that is loaded after all fails loudly with its reason.
 */
const unusedOnLambda: Record<string, string> = {
  "@aws-sdk/credential-provider-node": `export { fromEnv as defaultProvider } from "@aws-sdk/credential-provider-env";`,
  bowser: failOnLoad("bowser parses the user agent of a browser"),
  "@smithy/core/event-streams": failOnLoad("no operation idp-sync calls streams events"),
};

function failOnLoad(reason: string): string {
  return `throw new Error(${JSON.stringify(`not bundled for Lambda: ${reason}`)});`;
}

const escapeForRegExp = (text: string) => text.replace(/[/.@-]/g, "\\$&");

const replaceUnusedOnLambda: Plugin = {
  name: "replace-unused-on-lambda",
  setup(builder) {
    const names = Object.keys(unusedOnLambda).map(escapeForRegExp).join("|");
    // The replacement's own imports resolve from where the SDK imported the module it stands in for.
    builder.onResolve({ filter: new RegExp(`^(${names})$`) }, ({ path, resolveDir }) => ({
      path,
      namespace: "unused-on-lambda",
      pluginData: resolveDir,
    }));
    builder.onLoad({ filter: /.*/, namespace: "unused-on-lambda" }, ({ path, pluginData }) => ({
      contents: unusedOnLambda[path],
      loader: "js",
      resolveDir: pluginData,
    }));
  },
};

/**
 * Each SDK client imports its whole package.json for one field, the version in its user agent: only the
 * name and version are bundled.
 */
const sdkPackageVersionsOnly: Plugin = {
  name: "sdk-package-versions-only",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/ }, ({ path }) => {
      const { name, version } = JSON.parse(readFileSync(path, "utf8"));
      return { contents: JSON.stringify({ name, version }), loader: "json" };
    });
  },
};

/**
 * Where libphonenumber-js's metadata for a country keeps what only formatting reads: its number formats,
 * the national prefix formatting rule, and whether that prefix is optional when formatting. idp-sync parses
 * and validates numbers and writes them in E.164, which reads none of them; the formats are 50 of the
 * metadata's 83 KB. (Positions as libphonenumber-js's `Metadata` reads metadata version 4.)
 */
const formattingOnlyPositions = [4, 6, 9];

type CountryMetadata = unknown[];
interface PhoneMetadata {
  version: number;
  countries: Record<string, CountryMetadata>;
  nonGeographic?: Record<string, CountryMetadata>;
}

/** libphonenumber-js's `min` metadata without what only formatting reads. */
export function phoneMetadataForParsing(metadata: PhoneMetadata): PhoneMetadata {
  if (metadata.version !== 4)
    throw new Error(`libphonenumber-js metadata version ${metadata.version}: check formattingOnlyPositions`);
  const trim = (plans: Record<string, CountryMetadata>) =>
    Object.fromEntries(
      Object.entries(plans).map(([code, plan]) => [
        code,
        plan.map((entry, index) => (formattingOnlyPositions.includes(index) ? 0 : entry)),
      ]),
    );
  return {
    ...metadata,
    countries: trim(metadata.countries),
    ...(metadata.nonGeographic ? { nonGeographic: trim(metadata.nonGeographic) } : {}),
  };
}

const phoneMetadataWithoutFormats: Plugin = {
  name: "phone-metadata-without-formats",
  setup(builder) {
    // The library imports its metadata as `metadata.min.json.js`, a module beside the JSON file it wraps.
    builder.onLoad({ filter: /[\\/]libphonenumber-js[\\/]metadata\.min\.json\.js$/ }, ({ path }) => {
      const metadata = JSON.parse(readFileSync(path.replace(/\.js$/, ""), "utf8"));
      return {
        contents: `export default ${JSON.stringify(phoneMetadataForParsing(metadata))};`,
        loader: "js",
        resolveDir: dirname(path),
      };
    });
  },
};

/**
 * libphonenumber-js publishes its ES modules twice: `es6/`, which its entry points import, transpiled for
 * old engines (every class through Babel's helpers), and `es6-modern/`, the same sources for current
 * ones. Bundling the modern copy makes its code 15 KB smaller. A release without the modern copy of a
 * module fails the build, so that this trim is dropped knowingly rather than silently.
 */
const phoneLibraryModernBuild: Plugin = {
  name: "phone-library-modern-build",
  setup(builder) {
    const legacyCopy = /([\\/]libphonenumber-js[\\/])es6([\\/])/;
    // At resolution, so that each module is bundled once, whichever of the library's files imports it.
    builder.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) => {
      const target = resolve(resolveDir, path);
      if (!legacyCopy.test(target)) return undefined;
      const modern = target.replace(legacyCopy, "$1es6-modern$2");
      if (!existsSync(modern))
        throw new Error(`libphonenumber-js ships no ${modern}: drop phoneLibraryModernBuild`);
      // The package declares itself free of side effects; a plugin-resolved path must say so itself.
      return { path: modern, sideEffects: false };
    });
  },
};

/** What the Lambda bundles leave out of the packages they bundle, and why: see each plugin. */
export const lambdaBundleTrims: Plugin[] = [
  replaceUnusedOnLambda,
  sdkPackageVersionsOnly,
  phoneMetadataWithoutFormats,
  phoneLibraryModernBuild,
];
