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
export function readBambooHrEmployee(
  api: BambooHrApi,
  mapping: Mapping,
  person: string,
  deps: HrApiDeps,
): Promise<HrRead> {
  const query = new URLSearchParams({ fields: fieldsToRead(api, mapping).join(",") });
  return send(api, deps, `BambooHR employee ${person}`, {
    method: "GET",
    path: `/api/v1/employees/${encodeURIComponent(person)}?${query}`,
  });
}

/**
 * Reads every employee, whatever their status: POST /api/v1/reports/custom?format=JSON with the field
 * aliases the mapping reads. The answer is `{ title, fields, employees: [{ id, <alias>: value, … }] }`, in
 * one piece (the custom report has no pagination).
 */
export function readBambooHrReport(api: BambooHrApi, mapping: Mapping, deps: HrApiDeps): Promise<HrRead> {
  return send(api, deps, "BambooHR custom report", {
    method: "POST",
    path: "/api/v1/reports/custom?format=JSON",
    json: { title: "idp-sync directory", fields: fieldsToRead(api, mapping) },
  });
}

async function send(
  api: BambooHrApi,
  deps: HrApiDeps,
  what: string,
  request: { method: "GET" | "POST"; path: string; json?: unknown },
): Promise<HrRead> {
  const apiKey = await deps.secrets.read(api.apiKeySecretName);
  const response = await sendRequest(
    {
      method: request.method,
      url: joinUrl(api.baseUrl, request.path),
      headers: { authorization: basicAuth(apiKey, "x") },
      ...(request.json === undefined ? {} : { json: request.json }),
      timeoutMs: api.requestTimeoutMs,
    },
    deps.fetch,
  );
  return readOutcome(response, what);
}

const fieldsToRead = (api: BambooHrApi, mapping: Mapping) => api.fields ?? aliasesIn(mapping);

/** The field aliases (camelCase) the mapping reads, `$.workEmail…` → workEmail; names such as "Department" are webhook-only. */
function aliasesIn(mapping: Mapping): string[] {
  const aliases = recordPaths(mapping).flatMap((path) => {
    const first = path.segments[0];
    return first?.kind === "name" && /^[a-z][A-Za-z0-9_]*$/.test(first.name) ? [first.name] : [];
  });
  return [...new Set(aliases)].sort();
}
