import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { type CountryCode, type MetadataJson, parsePhoneNumberFromString } from "libphonenumber-js/core";
import { describe, expect, it } from "vitest";
import { bundleFile, lambdaBuildOptions } from "../../infra/lambda-bundle.ts";
import { phoneMetadataForParsing } from "../../infra/lambda-bundle-trims.ts";

const require = createRequire(import.meta.url);
const fullMetadata: MetadataJson = require("libphonenumber-js/metadata.min.json");
const examples: Record<CountryCode, string> = require("libphonenumber-js/examples.mobile.json");

type Parse = typeof parsePhoneNumberFromString;

/** The copy of libphonenumber-js the bundles ship: its modern build (`es6-modern/`). */
const shippedParse: Parse = (
  await import(
    pathToFileURL(
      join(dirname(require.resolve("libphonenumber-js/package.json")), "es6-modern/parsePhoneNumber.js"),
    ).href
  )
).default;

/** What idp-sync reads from a parsed number: whether it is valid, and its E.164 form and country. */
function read(parse: Parse, text: string, region: CountryCode | undefined, metadata: MetadataJson) {
  const parsed = parse(text, region ? { defaultCountry: region } : {}, metadata);
  return parsed && { valid: parsed.isValid(), number: parsed.number, country: parsed.country };
}

/** Ways people write a country's example number: national and international, formatted or not, broken. */
function writings(region: CountryCode, nationalNumber: string): string[] {
  const example = parsePhoneNumberFromString(nationalNumber, { defaultCountry: region }, fullMetadata);
  if (!example) throw new Error(`libphonenumber-js cannot read its own example for ${region}`);
  return [
    nationalNumber,
    example.formatNational(),
    example.formatInternational(),
    example.number,
    `00${example.countryCallingCode}${nationalNumber}`,
    `${example.number}9`,
    example.number.slice(0, -1),
    `${example.formatNational()} ext. 12`,
  ];
}

describe("the phone library the Lambda bundles ship (modern build, metadata without formats)", () => {
  const trimmed = phoneMetadataForParsing(structuredClone(fullMetadata) as never) as MetadataJson;

  it("is less than half of libphonenumber-js's min metadata", () => {
    expect(JSON.stringify(trimmed).length).toBeLessThan(JSON.stringify(fullMetadata).length / 2);
  });

  it("reads every country's example number, in every writing, exactly as the library's entry with full metadata does", () => {
    const regions = Object.keys(examples) as CountryCode[];
    expect(regions.length).toBeGreaterThan(240);
    let compared = 0;
    for (const region of regions)
      for (const text of writings(region, examples[region]))
        for (const defaultRegion of [region, undefined]) {
          expect(read(shippedParse, text, defaultRegion, trimmed), `${text} in ${defaultRegion}`).toEqual(
            read(parsePhoneNumberFromString, text, defaultRegion, fullMetadata),
          );
          compared++;
        }
    expect(compared).toBe(regions.length * 16);
  });

  it("refuses metadata of another layout rather than trimming the wrong fields", () => {
    expect(() => phoneMetadataForParsing({ ...fullMetadata, version: 5 } as never)).toThrow(
      "metadata version 5",
    );
  });
});

describe("the modules the Lambda bundles leave out", () => {
  const outdir = join(tmpdir(), "idp-sync-trims-unwritten");
  const neverOnLambda = [
    "@aws-sdk/credential-provider-ini",
    "@aws-sdk/credential-provider-sso",
    "@aws-sdk/nested-clients",
    "@smithy/credential-provider-imds",
    "bowser",
    "@smithy/core/dist-es/submodules/event-streams",
    "libphonenumber-js/es6/",
  ];

  it.each(["ingest", "sync", "reconcile"] as const)("are not in the %s bundle", async (name) => {
    const { metafile } = await build({ ...lambdaBuildOptions(name, outdir), write: false, metafile: true });
    const inputs = Object.keys(metafile.inputs);
    const bundled = inputs.filter((input) => input.startsWith("node_modules/"));
    expect(bundled.filter((input) => neverOnLambda.some((left) => input.includes(left)))).toEqual([]);
    expect(inputs).toContain("node_modules/@aws-sdk/credential-provider-env/dist-es/fromEnv.js");
  });

  it("fail with their reason when loaded after all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "idp-sync-trims-"));
    try {
      const entry = join(dir, "entry.ts");
      writeFileSync(entry, `export const load = () => import("bowser");`);
      await build({ ...lambdaBuildOptions("ingest", dir), entryPoints: { index: entry } });
      const { load } = await import(pathToFileURL(join(dir, bundleFile)).href);
      await expect(load()).rejects.toThrow(
        "not bundled for Lambda: bowser parses the user agent of a browser",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
