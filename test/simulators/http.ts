export interface SimAnswer {
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

/** One request to a simulator with a JSON body (when given); answers the body as JSON when it is. */
export async function callSimulator(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<SimAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
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

/** `call(sim, method, path, body?, headers?)`: requests to one kind of simulator, with its credentials by default. */
export const simulatorCaller =
  (defaultHeaders: Record<string, string>) =>
  (
    sim: { url: string },
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = defaultHeaders,
  ): Promise<SimAnswer> =>
    callSimulator(sim.url, method, path, body, headers);
