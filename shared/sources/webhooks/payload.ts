import type { IngestRequest } from "../../ingest/request.ts";

export type ParsedPayload = { ok: true; value: unknown } | { ok: false; detail: string };

/**
 * The webhook body as a document: JSON, or an HTML form post with bracketed keys
 * (`data[employeeId]=1&data[changedFields][0]=firstName`, BambooHR's second encoding), read into the same
 * shape the JSON encoding has.
 */
export function parsePayload(request: IngestRequest): ParsedPayload {
  const text = request.rawBody.toString("utf8");
  const contentType = request.headers["content-type"] ?? "";
  if (/application\/x-www-form-urlencoded/i.test(contentType)) return { ok: true, value: parseForm(text) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, detail: "the request body is not valid JSON" };
  }
}

type Tree = { [key: string]: Tree | string };

function parseForm(text: string): unknown {
  const root: Tree = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = [
      /^[^[]*/.exec(key)?.[0] ?? key,
      ...[...key.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? ""),
    ];
    let node = root;
    path.forEach((name, index) => {
      if (index === path.length - 1) node[name] = value;
      else {
        const child = node[name];
        const next: Tree = typeof child === "object" ? child : {};
        node[name] = next;
        node = next;
      }
    });
  }
  return withArrays(root);
}

/** Objects keyed 0..n-1 were lists in the form encoding. */
function withArrays(node: Tree | string): unknown {
  if (typeof node === "string") return node;
  const keys = Object.keys(node);
  const converted = Object.fromEntries(keys.map((key) => [key, withArrays(node[key] as Tree | string)]));
  const isList = keys.length > 0 && keys.every((key, index) => key === String(index));
  return isList ? keys.map((key) => converted[key]) : converted;
}
