import { sendRequest } from "../../http/request.ts";
import { recordPaths } from "../mapping/evaluate.ts";
import type { Mapping } from "../mapping/spec.ts";
import { type HrApiDeps, type HrRead, joinUrl, readOutcome } from "../webhooks/hr-api.ts";

export interface HiBobApi {
  baseUrl: string;
  credentialsSecretName: string;
  fields?: string[] | undefined;
  requestTimeoutMs: number;
}

/**
 * Reads one employee: POST /v1/people/{id} (the current read-by-id endpoint; GET /v1/people/{id} is
 * deprecated) with the field ids in the body and `humanReadable: "APPEND"`, so the answer holds machine
 * values (dates as YYYY-MM-DD, ids) and a `humanReadable` copy with list values as names. Authenticated as
 * a service user: Basic `<id>:<token>`, the secret's value verbatim.
 */
export function readHiBobEmployee(
  api: HiBobApi,
  mapping: Mapping,
  person: string,
  deps: HrApiDeps,
): Promise<HrRead> {
  return post(api, deps, `/v1/people/${encodeURIComponent(person)}`, `HiBob employee ${person}`, {
    fields: api.fields ?? fieldIdsIn(mapping),
    humanReadable: "APPEND",
  });
}

/**
 * Reads every employee the service user may see, leavers included: POST /v1/people/search with
 * `showInactive: true`, the same fields (plus `root.id`, the person key) and `humanReadable: "APPEND"`.
 * The answer is `{ employees: [...] }` in one piece: Bob documents no pagination for this endpoint.
 */
export function searchHiBobPeople(api: HiBobApi, mapping: Mapping, deps: HrApiDeps): Promise<HrRead> {
  const fields = [...new Set(["root.id", ...(api.fields ?? fieldIdsIn(mapping))])];
  return post(api, deps, "/v1/people/search", "HiBob people search", {
    fields,
    humanReadable: "APPEND",
    showInactive: true,
  });
}

async function post(api: HiBobApi, deps: HrApiDeps, path: string, what: string, json: unknown) {
  const credentials = await deps.secrets.read(api.credentialsSecretName);
  const response = await sendRequest(
    {
      method: "POST",
      url: joinUrl(api.baseUrl, path),
      headers: { authorization: `Basic ${Buffer.from(credentials, "utf8").toString("base64")}` },
      json,
      timeoutMs: api.requestTimeoutMs,
    },
    deps.fetch,
  );
  return readOutcome(response, what);
}

/**
 * Bob field ids for the mapping's paths: `$.work.department` → work.department, `$.email` → root.email,
 * `$.work.reportsTo.id` → work.reportsTo; the `humanReadable` copy names the same field.
 */
function fieldIdsIn(mapping: Mapping): string[] {
  const ids = recordPaths(mapping).flatMap((path) => {
    const names = path.segments.map((segment) => (segment.kind === "name" ? segment.name : undefined));
    const [category, field] = names[0] === "humanReadable" ? names.slice(1) : names;
    if (category === undefined) return [];
    return [field === undefined ? `root.${category}` : `${category}.${field}`];
  });
  return [...new Set(ids)].sort();
}
