import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Module → the project modules it imports (paths relative to the repository root, POSIX separators). */
export type ImportGraph = Map<string, string[]>;

const root = resolve(import.meta.dirname, "../..");
const importPattern = /^\s*(?:(?:import|export)\s[^;]*?\sfrom\s+|import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The modules under `dirs` that import package `name` for values (type-only imports left out). */
export function modulesImportingPackage(dirs: readonly string[], name: string): string[] {
  const valueImport = new RegExp(`^\\s*import\\s+(?!type\\s)[^;]*?\\sfrom\\s+["']${name}["']`, "m");
  return dirs
    .flatMap(sourceFiles)
    .filter((file) => valueImport.test(readFileSync(join(root, file), "utf8")))
    .map((file) => file.split("\\").join("/"));
}

/** The relative imports (side-effect and type-only ones included) of every .ts module under `dirs`. */
export function importGraph(dirs: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(join(root, file), "utf8");
    const targets = [...text.matchAll(importPattern)].map((match) =>
      relative(root, resolve(root, dirname(file), match[1] as string))
        .split("\\")
        .join("/"),
    );
    graph.set(file.split("\\").join("/"), [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle of the graph, one per strongly connected component, as the path that closes it. */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (module: string) => {
    index.set(module, index.size);
    lowLink.set(module, index.get(module) as number);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        lowLink.set(module, Math.min(lowLink.get(module) as number, lowLink.get(next) as number));
      } else if (onStack.has(next)) {
        lowLink.set(module, Math.min(lowLink.get(module) as number, index.get(next) as number));
      }
    }
    if (lowLink.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    const selfImport = graph.get(module)?.includes(module);
    if (component.length > 1 || selfImport) components.push(component);
  };
  for (const module of [...graph.keys()].sort()) if (!index.has(module)) connect(module);
  return components.map((component) => cyclePath(graph, new Set(component)));
}

/** A closed path through a strongly connected component, from its first module (sorted) back to it. */
function cyclePath(graph: ImportGraph, component: Set<string>): string[] {
  const start = [...component].sort()[0] as string;
  // Breadth-first from start's successors back to start, staying inside the component.
  const previous = new Map<string, string>();
  const queue = (graph.get(start) ?? []).filter((next) => component.has(next));
  for (const next of queue) previous.set(next, start);
  while (queue.length > 0) {
    const module = queue.shift() as string;
    if (module === start) break;
    for (const next of graph.get(module) ?? []) {
      if (!component.has(next) || previous.has(next)) continue;
      previous.set(next, module);
      queue.push(next);
    }
  }
  const path = [start];
  for (
    let module = previous.get(start);
    module !== undefined && module !== start;
    module = previous.get(module)
  )
    path.unshift(module);
  return [start, ...path];
}
