import type { ChangeAttributes } from "../../shared/model/change.ts";
import type { MergeableChange } from "../../shared/sync/desired-state.ts";

const nextId = (() => {
  let sequence = 0;
  return () => {
    sequence += 1;
    return `c${String(sequence).padStart(6, "0")}`;
  };
})();

/** A change for tests; `at` is seconds after a fixed epoch so ordering is easy to read. */
export function change(
  person: string,
  atSeconds: number,
  attributes: ChangeAttributes,
  kind: MergeableChange["kind"] = "upsert",
  id = nextId(),
): MergeableChange {
  return {
    id,
    source: "test",
    person,
    at: new Date(Date.UTC(2026, 0, 1) + atSeconds * 1000).toISOString(),
    kind,
    attributes,
  };
}
