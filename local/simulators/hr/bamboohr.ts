import {
  basicCredentials,
  jsonBody,
  type SimReply,
  type SimRequest,
  type SimServer,
  serveSimulator,
} from "./http.ts";

export interface BambooHrSimulator extends SimServer {
  /** Sets an employee's fields, keyed by API alias (firstName, workEmail, status, terminationDate …). */
  setEmployee(id: string, fields: Record<string, string | null>): void;
  removeEmployee(id: string): void;
}

/**
 * BambooHR's API as idp-sync reads it (documentation.bamboohr.com), with Basic auth (API key as user, any
 * password):
 * - "get employee": GET /api/v1/employees/{id}?fields=a,b → a flat object with `id` and each requested
 *   field (null when the employee has no value);
 * - "request a custom report": POST /api/v1/reports/custom?format=JSON with `{ title, fields: [alias…] }` →
 *   `{ title, fields: [{ id, type, name }], employees: [{ id, <alias>: value }] }`, every employee whatever
 *   their status, in one answer (no pagination).
 */
export async function startBambooHrSimulator(options: { apiKey: string }): Promise<BambooHrSimulator> {
  const employees = new Map<string, Record<string, string | null>>();
  const pick = (id: string, fields: readonly string[]) => {
    const employee = employees.get(id) ?? {};
    return { id, ...Object.fromEntries(fields.map((field) => [field, employee[field] ?? null])) };
  };
  const server = await serveSimulator((request) => {
    if (basicCredentials(request.headers.authorization)?.user !== options.apiKey) return { status: 401 };
    if (request.method === "POST" && request.path === "/api/v1/reports/custom") return customReport(request);
    const match = /^\/api\/v1\/employees\/([^/]+)$/.exec(request.path);
    if (request.method !== "GET" || !match) return { status: 404 };
    const id = decodeURIComponent(match[1] ?? "");
    if (!employees.has(id)) return { status: 404 };
    const fields = (request.query.get("fields") ?? "").split(",").filter((field) => field.length > 0);
    return { status: 200, json: pick(id, fields) };
  });
  const customReport = (request: SimRequest): SimReply => {
    if (request.query.get("format")?.toUpperCase() !== "JSON")
      return { status: 400, json: { error: "this simulator answers format=JSON only" } };
    const body = jsonBody(request);
    const fields = body?.fields;
    if (!Array.isArray(fields) || fields.length === 0 || !fields.every((field) => typeof field === "string"))
      return { status: 400, json: { error: "fields must list field aliases" } };
    return {
      status: 200,
      json: {
        title: typeof body?.title === "string" ? body.title : "",
        fields: fields.map((field) => ({ id: field, type: "text", name: field })),
        employees: [...employees.keys()].map((id) => pick(id, fields)),
      },
    };
  };
  return {
    ...server,
    setEmployee: (id, fields) => employees.set(id, { ...employees.get(id), ...fields }),
    removeEmployee: (id) => employees.delete(id),
  };
}
