import { basicCredentials, type SimServer, serveSimulator } from "./http.ts";

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
 * Bob's "read employee fields by id" endpoint (apidocs.hibob.com/reference/post_people-identifier):
 * POST /v1/people/{id} with `{ fields: ["root.email", "work.department", …], humanReadable }`, Basic auth
 * with a service user's id and token. Only the requested fields come back; with humanReadable "APPEND" a
 * `humanReadable` object repeats them with names instead of ids.
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
    const match = /^\/v1\/people\/([^/]+)$/.exec(request.path);
    if (request.method !== "POST" || !match) return { status: 404 };
    const employee = employees.get(decodeURIComponent(match[1] ?? ""));
    if (!employee) return { status: 404, json: { error: "Employee not found" } };
    const body = JSON.parse(request.body || "{}") as { fields?: string[]; humanReadable?: string };
    const fields = body.fields ?? [];
    const machine = pick(employee, fields);
    const human = pick((employee.humanReadable as Json | undefined) ?? {}, fields);
    if (body.humanReadable === "REPLACE") return { status: 200, json: { ...machine, ...human } };
    return {
      status: 200,
      json: body.humanReadable === "APPEND" ? { ...machine, humanReadable: human } : machine,
    };
  });
  return {
    ...server,
    setEmployee: (id, employee) => employees.set(id, { id, ...employee }),
    removeEmployee: (id) => employees.delete(id),
  };
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
