import type { ChangeAttributes } from "../../shared/model/change.ts";
import type { MergeableChange } from "../../shared/sync/desired-state.ts";

let sequence = 0;

/** A change for tests; `at` is seconds after a fixed epoch so ordering is easy to read. */
export function change(
  person: string,
  atSeconds: number,
  attributes: ChangeAttributes,
  kind: MergeableChange["kind"] = "upsert",
  id = `c${String((sequence += 1)).padStart(6, "0")}`,
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
