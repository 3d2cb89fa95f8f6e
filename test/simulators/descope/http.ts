import type { DescopeSimulator } from "../../../local/simulators/descope/simulator.ts";

export const projectId = "P2simulatedProject0000000001";
export const managementKey = "K2-management-key-secret";
export const authorization = `Bearer ${projectId}:${managementKey}`;

export interface SimAnswer {
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

/** One request to the simulator, authenticated unless `headers` says otherwise. */
export async function call(
  sim: DescopeSimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization },
): Promise<SimAnswer> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}
