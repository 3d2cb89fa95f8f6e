import { sendRequest } from "../../http/request.ts";
import { recordPaths } from "../mapping/evaluate.ts";
import type { Mapping } from "../mapping/spec.ts";
import { basicAuth, type HrApiDeps, type HrRead, joinUrl, readOutcome } from "../webhooks/hr-api.ts";

export interface BambooHrApi {
  baseUrl: string;
  apiKeySecretName: string;
  fields?: string[] | undefined;
  requestTimeoutMs: number;
}

/**
 * Reads one employee: GET /api/v1/employees/{id}?fields=…, authenticated with the API key as the Basic
 * user name and any password. The answer is a flat object keyed by field alias.
 */
export async function readBambooHrEmployee(
  api: BambooHrApi,
  mapping: Mapping,
  person: string,
  deps: HrApiDeps,
): Promise<HrRead> {
  const apiKey = await deps.secrets.read(api.apiKeySecretName);
  const fields = api.fields ?? aliasesIn(mapping);
  const query = new URLSearchParams({ fields: fields.join(",") });
  const response = await sendRequest(
    {
      method: "GET",
      url: joinUrl(api.baseUrl, `/api/v1/employees/${encodeURIComponent(person)}?${query}`),
      headers: { authorization: basicAuth(apiKey, "x") },
      timeoutMs: api.requestTimeoutMs,
    },
    deps.fetch,
  );
  return readOutcome(response, `BambooHR employee ${person}`);
}

/** The field aliases (camelCase) the mapping reads, `$.workEmail…` → workEmail; names such as "Department" are webhook-only. */
function aliasesIn(mapping: Mapping): string[] {
  const aliases = recordPaths(mapping).flatMap((path) => {
    const first = path.segments[0];
    return first?.kind === "name" && /^[a-z][A-Za-z0-9_]*$/.test(first.name) ? [first.name] : [];
  });
  return [...new Set(aliases)].sort();
}
