import { exampleConfigFile, loadConfig } from "../../infra/load-config.ts";
import type { ConfigInput } from "../../shared/config/schema.ts";

/** The example configuration (infra/example.config.json), as input to extend. */
export const example = loadConfig(exampleConfigFile, "/").config as ConfigInput;

/** The example with both providers: Descope, and ZITADEL under a name of its own. */
export const twoProviders = {
  ...example,
  providers: [
    { type: "descope", name: "descope", secretName: "idp-sync/descope" },
    {
      type: "zitadel",
      name: "zitadel-eu",
      secretName: "idp-sync/zitadel",
      baseUrl: "https://acme.zitadel.cloud",
    },
  ],
} as ConfigInput;
