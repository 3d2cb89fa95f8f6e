import { basicCredentials, type SimServer, serveSimulator } from "./http.ts";

export interface BambooHrSimulator extends SimServer {
  /** Sets an employee's fields, keyed by API alias (firstName, workEmail, status, terminationDate …). */
  setEmployee(id: string, fields: Record<string, string | null>): void;
  removeEmployee(id: string): void;
}

/**
 * BambooHR's "get employee" endpoint as documented (documentation.bamboohr.com/reference/get-employee):
 * GET /api/v1/employees/{id}?fields=a,b with Basic auth (API key as user, any password); the answer is a
 * flat object with `id` and each requested field (null when the employee has no value).
 */
export async function startBambooHrSimulator(options: { apiKey: string }): Promise<BambooHrSimulator> {
  const employees = new Map<string, Record<string, string | null>>();
  const server = await serveSimulator((request) => {
    if (basicCredentials(request.headers.authorization)?.user !== options.apiKey) return { status: 401 };
    const match = /^\/api\/v1\/employees\/([^/]+)$/.exec(request.path);
    if (request.method !== "GET" || !match) return { status: 404 };
    const id = decodeURIComponent(match[1] ?? "");
    const employee = employees.get(id);
    if (!employee) return { status: 404 };
    const fields = (request.query.get("fields") ?? "").split(",").filter((field) => field.length > 0);
    return {
      status: 200,
      json: { id, ...Object.fromEntries(fields.map((field) => [field, employee[field] ?? null])) },
    };
  });
  return {
    ...server,
    setEmployee: (id, fields) => employees.set(id, { ...employees.get(id), ...fields }),
    removeEmployee: (id) => employees.delete(id),
  };
}
