import { randomUUID } from "node:crypto";
import { type SimReply, type SimRequest, type SimServer, serveSimulator } from "./http.ts";

export interface PersonioSimulator extends SimServer {
  /** Sets a person (v2 shape: id, first_name, last_name, email, …) and, optionally, their employment. */
  setPerson(id: string, person: Record<string, unknown>, employment?: Record<string, unknown>): void;
  removePerson(id: string): void;
  /** Makes every issued token invalid, as when it expired. */
  expireTokens(): void;
}

type Json = Record<string, unknown>;

const problem = (status: number, title: string) => ({
  status,
  json: {
    personio_trace_id: randomUUID(),
    timestamp: new Date().toISOString(),
    errors: [{ title, detail: title }],
  },
  headers: { "content-type": "application/problem+json" },
});

/**
 * Personio's v2 API as far as idp-sync reads it (developer.personio.de/v2.0/reference): POST /v2/auth/token
 * (form-encoded client credentials → access_token, expires_in), GET /v2/persons/{id} (the person, with
 * `employments: [{ id }]`), GET /v2/persons/{id}/employments/{employment id}, and the persons list
 * GET /v2/persons?limit=1..50 (default 10)&cursor=… → `{ _data: [person…], _meta: { links: { self, next } } }`
 * in id order, `next` absent on the last page; all with a Bearer token.
 */
export async function startPersonioSimulator(options: {
  clientId: string;
  clientSecret: string;
}): Promise<PersonioSimulator> {
  const persons = new Map<string, { person: Json; employment?: Json }>();
  const tokens = new Set<string>();
  const server = await serveSimulator((request) => {
    if (request.method === "POST" && request.path === "/v2/auth/token") {
      const form = new URLSearchParams(request.body);
      const valid =
        form.get("grant_type") === "client_credentials" &&
        form.get("client_id") === options.clientId &&
        form.get("client_secret") === options.clientSecret;
      if (!valid) return problem(401, "Invalid client credentials");
      const token = randomUUID();
      tokens.add(token);
      return {
        status: 200,
        json: {
          access_token: token,
          token_type: "Bearer",
          expires_in: 86_400,
          scope: "personio:persons:read",
        },
      };
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !tokens.has(bearer)) return problem(401, "Unauthorized");
    if (request.method === "GET" && request.path === "/v2/persons") return listPersons(request);
    const match = /^\/v2\/persons\/([^/]+)(?:\/employments\/([^/]+))?$/.exec(request.path);
    const entry = match && persons.get(decodeURIComponent(match[1] ?? ""));
    if (request.method !== "GET" || !match || !entry) return problem(404, "Person not found");
    if (match[2] === undefined) return { status: 200, json: entry.person };
    if (!entry.employment || entry.employment.id !== decodeURIComponent(match[2]))
      return problem(404, "Employment not found");
    return { status: 200, json: entry.employment };
  });
  function listPersons(request: SimRequest): SimReply {
    const limitText = request.query.get("limit") ?? "10";
    const limit = /^\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= 50)) return problem(400, "limit must be between 1 and 50");
    const cursor = request.query.get("cursor");
    const after = cursor === null ? undefined : idOfCursor(cursor);
    if (after === null) return problem(400, "Invalid cursor");
    const ids = [...persons.keys()].sort(byId).filter((id) => after === undefined || byId(id, after) > 0);
    const page = ids.slice(0, limit);
    const base = `http://${request.headers.host}/v2/persons`;
    const last = page.at(-1);
    const next =
      ids.length > limit && last !== undefined
        ? {
            next: {
              href: `${base}?${new URLSearchParams({ cursor: cursorOf(last), limit: String(limit) })}`,
            },
          }
        : {};
    return {
      status: 200,
      json: {
        _data: page.map((id) => persons.get(id)?.person),
        _meta: { links: { self: { href: `${base}?${request.query}` }, ...next } },
      },
    };
  }
  return {
    ...server,
    setPerson: (id, person, employment) => {
      const employmentRecord = employment && { id: randomUUID(), ...employment, person: { id } };
      persons.set(id, {
        person: { id, ...person, employments: employmentRecord ? [{ id: employmentRecord.id }] : [] },
        ...(employmentRecord ? { employment: employmentRecord } : {}),
      });
    },
    removePerson: (id) => persons.delete(id),
    expireTokens: () => tokens.clear(),
  };
}

const byId = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
const cursorOf = (id: string) => `cur_${Buffer.from(id, "utf8").toString("base64url")}`;

/** The id a cursor points after; null when it is not one of ours. */
function idOfCursor(cursor: string): string | null {
  if (!/^cur_[A-Za-z0-9_-]+$/.test(cursor)) return null;
  return Buffer.from(cursor.slice(4), "base64url").toString("utf8");
}
