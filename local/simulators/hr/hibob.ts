import { basicCredentials, jsonBody, type SimServer, serveSimulator } from "./http.ts";

export interface HiBobSimulator extends SimServer {
  /**
   * Sets an employee as Bob stores it: root fields at the top (id, firstName, surname, email, displayName),
   * categories as objects (work, internal, …), and list values' names under `humanReadable`.
   */
  setEmployee(id: string, employee: Record<string, unknown>): void;
  removeEmployee(id: string): void;
}

type Json = Record<string, unknown>;

/**
 * Bob's people API (apidocs.hibob.com), Basic auth with a service user's id and token:
 * - "read employee fields by id": POST /v1/people/{id} with `{ fields: ["root.email", "work.department", …],
 *   humanReadable }`. Only the requested fields come back; with humanReadable "APPEND" a `humanReadable`
 *   object repeats them with names instead of ids;
 * - "search for employees": POST /v1/people/search with the same body plus `showInactive` (default false:
 *   active employees only) → `{ employees: [...] }`, all of them in one answer (no pagination); at most 400
 *   field ids.
 */
export async function startHiBobSimulator(options: {
  serviceUserId: string;
  token: string;
}): Promise<HiBobSimulator> {
  const employees = new Map<string, Json>();
  const server = await serveSimulator((request) => {
    const credentials = basicCredentials(request.headers.authorization);
    if (credentials?.user !== options.serviceUserId || credentials.password !== options.token)
      return { status: 401 };
    const body = jsonBody(request) ?? {};
    const fields = Array.isArray(body.fields) ? body.fields.map(String) : [];
    if (request.method === "POST" && request.path === "/v1/people/search") {
      if (fields.length > 400) return { status: 400, json: { error: "at most 400 fields" } };
      if (body.filters !== undefined) return { status: 400, json: { error: "filters are not simulated" } };
      const shown = [...employees.values()].filter(
        (employee) =>
          body.showInactive === true || (employee.internal as Json | undefined)?.status !== "Inactive",
      );
      return {
        status: 200,
        json: { employees: shown.map((employee) => read(employee, fields, body.humanReadable)) },
      };
    }
    const match = /^\/v1\/people\/([^/]+)$/.exec(request.path);
    if (request.method !== "POST" || !match) return { status: 404 };
    const employee = employees.get(decodeURIComponent(match[1] ?? ""));
    if (!employee) return { status: 404, json: { error: "Employee not found" } };
    return { status: 200, json: read(employee, fields, body.humanReadable) };
  });
  return {
    ...server,
    setEmployee: (id, employee) => employees.set(id, { id, ...employee }),
    removeEmployee: (id) => employees.delete(id),
  };
}

/** The requested fields of an employee, machine values with names appended or in their place. */
function read(employee: Json, fields: readonly string[], humanReadable: unknown): Json {
  const machine = pick(employee, fields);
  const human = pick((employee.humanReadable as Json | undefined) ?? {}, fields);
  if (humanReadable === "REPLACE") return { ...machine, ...human };
  return humanReadable === "APPEND" ? { ...machine, humanReadable: human } : machine;
}

/** The requested field ids (`root.email`, `work.department`) as the nested object Bob answers with. */
function pick(employee: Json, fields: readonly string[]): Json {
  const picked: Json = {};
  for (const field of fields) {
    const [category, name] = field.split(".");
    if (category === "root" && name !== undefined && name in employee) picked[name] = employee[name];
    const group = employee[category ?? ""] as Json | undefined;
    if (category !== "root" && name !== undefined && group && name in group)
      picked[category as string] = {
        ...(picked[category as string] as Json | undefined),
        [name]: group[name],
      };
  }
  return picked;
}
