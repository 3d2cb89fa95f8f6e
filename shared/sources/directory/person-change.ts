import { createHash } from "node:crypto";
import type { UserChange } from "../../model/change.ts";
import { personKeySchema } from "../../model/user.ts";
import { evaluate, type LeaverState, type LeaverTiming, mapRecord, readLeaver } from "../mapping/evaluate.ts";
import type { Mapping, ValueSpec } from "../mapping/spec.ts";
import { scalarText } from "../webhooks/events.ts";
import { heldLeaver } from "../webhooks/lifecycle.ts";
import { type DirectoryPage, DirectoryReadError } from "./reader.ts";

/** How the records of one source become canonical changes. */
export interface RecordMapping {
  source: string;
  /** Where the person key (the source's immutable employee id) is in a record. */
  person: ValueSpec;
  mapping: Mapping;
  timing: LeaverTiming;
}

/**
 * A change id derived from the source, the person and the snapshot's fetch time: reading the same snapshot
 * again yields the same ids, so a resumed or repeated read merges idempotently.
 */
export function snapshotChangeId(source: string, person: string, fetchedAt: string, kind: string): string {
  const digest = createHash("sha256").update([source, person, fetchedAt, kind].join("\u0000")).digest("hex");
  return `rc-${digest.slice(0, 40)}`;
}

/** The person key of a record, or undefined when it has no usable one. */
export function personOf(record: unknown, spec: ValueSpec, now: number, timing: LeaverTiming) {
  const person = scalarText(evaluate(spec, record, { now, timing }));
  return person !== undefined && personKeySchema.safeParse(person).success ? person : undefined;
}

export interface PageOptions {
  /** Names a record in an error, e.g. "line 7" or "record #3". */
  describe: (index: number) => string;
  /** A value that does not fit its attribute fails the page instead of being listed as a problem. */
  strict?: boolean;
}

/**
 * Turns records into one change per person, stamped at the fetch time (see `lifecycle` for who is
 * deactivated, upserted active, or upserted with their status left as it is). A leaving date still ahead is
 * returned as a held leaver. A record without a usable person key fails the page: skipping it would make a
 * complete snapshot that lacks someone, i.e. a false leaver.
 */
export function pageOfRecords(
  records: readonly unknown[],
  recordMapping: RecordMapping,
  fetchedAt: string,
  options: PageOptions,
): DirectoryPage {
  const { source, mapping, timing } = recordMapping;
  const { describe } = options;
  const now = Date.parse(fetchedAt);
  const context = { now, timing };
  const page: Required<Omit<DirectoryPage, "next">> = { changes: [], held: [], problems: [] };
  records.forEach((record, index) => {
    const person = personOf(record, recordMapping.person, now, timing);
    if (person === undefined)
      throw new DirectoryReadError(`${describe(index)} has no usable person id`, { retryable: false });
    const mapped = mapRecord(record, mapping, context);
    if (options.strict && mapped.problems.length > 0)
      throw new DirectoryReadError(`${describe(index)}: ${mapped.problems.join("; ")}`, { retryable: false });
    page.problems.push(...mapped.problems.map((problem) => `person ${person}: ${problem}`));
    const leaver = readLeaver(record, mapping, context);
    const { active, ...profile } = mapped.attributes;
    const state = lifecycle(active, mapping.attributes.active != null, leaver, now);
    const change = (kind: "upsert" | "deactivate", attributes: UserChange["attributes"]): UserChange => ({
      id: snapshotChangeId(source, person, fetchedAt, kind),
      source,
      person,
      at: fetchedAt,
      kind,
      attributes,
    });
    if (state === "left") {
      page.changes.push(change("deactivate", {}));
      return;
    }
    page.changes.push(change("upsert", state === "active" ? { ...profile, active: true } : profile));
    if (leaver.state === "set" && leaver.effective > now)
      page.held.push({
        change: heldLeaver(source, person, leaver.effective, "deactivate"),
        at: new Date(leaver.effective).toISOString(),
      });
  });
  return page;
}

/**
 * Whether a listed person has left. With a status mapped, the status decides (records keep a previous
 * employment's leaving date after a rehire); a status that is absent or unknown asserts nothing, so a
 * status the mapping does not know cannot reactivate a leaver. With none mapped, a leaving date that has
 * taken effect says the person left; otherwise being listed means being active.
 */
function lifecycle(
  active: boolean | null | undefined,
  statusMapped: boolean,
  leaver: LeaverState,
  now: number,
): "left" | "active" | "unknown" {
  if (statusMapped) return active === false ? "left" : active === true ? "active" : "unknown";
  return leaver.state === "set" && leaver.effective <= now ? "left" : "active";
}
