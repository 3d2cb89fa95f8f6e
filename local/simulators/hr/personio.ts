import { randomUUID } from "node:crypto";
import { type SimServer, serveSimulator } from "./http.ts";

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
 * `employments: [{ id }]`) and GET /v2/persons/{id}/employments/{employment id}, both with a Bearer token.
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
    const match = /^\/v2\/persons\/([^/]+)(?:\/employments\/([^/]+))?$/.exec(request.path);
    const entry = match && persons.get(decodeURIComponent(match[1] ?? ""));
    if (request.method !== "GET" || !match || !entry) return problem(404, "Person not found");
    if (match[2] === undefined) return { status: 200, json: entry.person };
    if (!entry.employment || entry.employment.id !== decodeURIComponent(match[2]))
      return problem(404, "Employment not found");
    return { status: 200, json: entry.employment };
  });
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
