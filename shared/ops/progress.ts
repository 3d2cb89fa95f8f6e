import type { ReconcileProgress } from "../reconcile/run.ts";

/**
 * A one-line progress display on a terminal: items read per phase (source pages, provider listings, state)
 * and people planned. Nothing when the stream is not a TTY, so piped output stays clean.
 */
export function terminalProgress(stream: NodeJS.WriteStream): { progress: ReconcileProgress; done(): void } {
  if (!stream.isTTY) return { progress: () => {}, done: () => {} };
  const counts = new Map<string, number>();
  let drawn = false;
  return {
    progress: ({ phase, items }) => {
      counts.set(phase, (counts.get(phase) ?? 0) + items);
      const text = [...counts].map(([name, count]) => `${name} ${count}`).join(" · ");
      stream.write(`\r\x1b[K${text}`);
      drawn = true;
    },
    done: () => {
      if (drawn) stream.write("\n");
    },
  };
}
