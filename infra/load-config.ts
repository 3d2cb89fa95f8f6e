import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Config, parseConfig } from "../shared/config/schema.ts";

export const defaultConfigFile = "idp-sync.config.json";
export const exampleConfigFile = fileURLToPath(new URL("example.config.json", import.meta.url));

export interface LoadedConfig {
  config: Config;
  path: string;
  /** True when no configuration was given or found and the example stands in for it. */
  example: boolean;
}

/**
 * Reads and validates the deployment's configuration: the file asked for (context `config` or
 * IDP_SYNC_CONFIG_FILE), else `idp-sync.config.json` in `root` (the repository), else the example.
 */
export function loadConfig(requested: string | undefined, root: string): LoadedConfig {
  const fallback = resolve(root, defaultConfigFile);
  const path = requested ? resolve(requested) : existsSync(fallback) ? fallback : exampleConfigFile;
  if (!existsSync(path)) throw new Error(`configuration file ${path} does not exist`);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`configuration file ${path} is not valid JSON`, { cause: error });
  }
  return { config: parseConfig(input), path, example: path === exampleConfigFile };
}
