import type { ReconcileProgress } from "../reconcile/run.ts";

/**
 * A one-line progress display on a terminal: items read per phase (source people, provider users, state
 * records), ended when the people are planned. Nothing when the stream is not a TTY, so piped output stays
 * clean.
 */
export function terminalProgress(stream: NodeJS.WriteStream): ReconcileProgress {
  if (!stream.isTTY) return () => {};
  const counts = new Map<string, number>();
  return ({ phase, items }) => {
    counts.set(phase, (counts.get(phase) ?? 0) + items);
    const text = [...counts].map(([name, count]) => `${name} ${count}`).join(" · ");
    stream.write(`\r\x1b[K${text}${phase === "planned" ? "\n" : ""}`);
  };
}
