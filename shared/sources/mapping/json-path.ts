/**
 * The JSONPath subset HR mappings need, evaluated without a dependency:
 * `$` (optional), `.name`, `['any name']`, `[0]`, `[-1]`, `[*]` / `.*`, and equality filters
 * `[?(@.field == 'value')]` / `!=` with string, number, boolean or null literals.
 */

type Literal = string | number | boolean | null;
type Segment =
  | { kind: "name"; name: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "filter"; path: string[]; negate: boolean; value: Literal };

export interface JsonPath {
  readonly source: string;
  readonly segments: readonly Segment[];
  /** A definite path names at most one node; a wildcard or filter makes it a list. */
  readonly definite: boolean;
}

export class JsonPathError extends Error {
  override readonly name = "JsonPathError";
}

const identifier = /^[A-Za-z_$][\w$-]*/;

export function parseJsonPath(source: string): JsonPath {
  const text = source.trim();
  let rest = text.startsWith("$") ? text.slice(1) : text.length > 0 ? `.${text}` : "";
  const segments: Segment[] = [];
  while (rest.length > 0) {
    const [segment, remaining] = readSegment(rest, text);
    segments.push(segment);
    rest = remaining;
  }
  const definite = segments.every((segment) => segment.kind === "name" || segment.kind === "index");
  return { source, segments, definite };
}

function readSegment(rest: string, whole: string): [Segment, string] {
  if (rest.startsWith(".*")) return [{ kind: "wildcard" }, rest.slice(2)];
  if (rest.startsWith(".")) {
    const name = identifier.exec(rest.slice(1))?.[0];
    if (!name) throw new JsonPathError(`expected a name after "." in ${whole}`);
    return [{ kind: "name", name }, rest.slice(1 + name.length)];
  }
  if (!rest.startsWith("[")) throw new JsonPathError(`unexpected "${rest[0]}" in ${whole}`);
  const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
  if (quoted) return [{ kind: "name", name: unescapeQuoted(quoted[2] ?? "") }, rest.slice(quoted[0].length)];
  const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
  if (index) return [{ kind: "index", index: Number(index[1]) }, rest.slice(index[0].length)];
  const star = /^\[\s*\*\s*\]/.exec(rest);
  if (star) return [{ kind: "wildcard" }, rest.slice(star[0].length)];
  const filter =
    /^\[\?\(\s*@((?:\.[A-Za-z_$][\w$-]*)+)\s*(==|!=)\s*('(?:\\.|[^'])*'|"(?:\\.|[^"])*"|-?\d+(?:\.\d+)?|true|false|null)\s*\)\]/.exec(
      rest,
    );
  if (filter) {
    const path = (filter[1] ?? "").slice(1).split(".");
    return [
      { kind: "filter", path, negate: filter[2] === "!=", value: literal(filter[3] ?? "null") },
      rest.slice(filter[0].length),
    ];
  }
  throw new JsonPathError(`unsupported bracket expression in ${whole}`);
}

const unescapeQuoted = (text: string) => text.replace(/\\(.)/g, "$1");

function literal(token: string): Literal {
  if (token === "true") return true;
  if (token === "false") return false;
  if (token === "null") return null;
  if (token.startsWith("'") || token.startsWith('"')) return unescapeQuoted(token.slice(1, -1));
  return Number(token);
}

/** Every node the path selects, in document order. */
export function selectAll(document: unknown, path: JsonPath): unknown[] {
  let nodes: unknown[] = [document];
  for (const segment of path.segments) nodes = nodes.flatMap((node) => step(node, segment));
  return nodes;
}

/**
 * The value a path stands for: the node itself for a definite path (undefined when absent), the list of
 * matches otherwise (empty when nothing matched).
 */
export function select(document: unknown, path: JsonPath): unknown {
  const nodes = selectAll(document, path);
  return path.definite ? nodes[0] : nodes;
}

function step(node: unknown, segment: Segment): unknown[] {
  if (node === null || typeof node !== "object") return [];
  switch (segment.kind) {
    case "name": {
      if (Array.isArray(node) || !Object.hasOwn(node, segment.name)) return [];
      return [(node as Record<string, unknown>)[segment.name]];
    }
    case "index": {
      if (!Array.isArray(node)) return [];
      const at = segment.index < 0 ? node.length + segment.index : segment.index;
      return at >= 0 && at < node.length ? [node[at]] : [];
    }
    case "wildcard":
      return Array.isArray(node) ? node : Object.values(node);
    case "filter": {
      const items = Array.isArray(node) ? node : Object.values(node);
      return items.filter((item) => {
        const value = segment.path.reduce<unknown>(
          (current, name) =>
            current !== null && typeof current === "object" && Object.hasOwn(current, name)
              ? (current as Record<string, unknown>)[name]
              : undefined,
          item,
        );
        return (value === segment.value) !== segment.negate;
      });
    }
  }
}
