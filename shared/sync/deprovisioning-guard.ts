import * as z from "zod/mini";
import "../model/schema-messages.ts";
import type { DeprovisioningGuardConfig } from "../config/schema.ts";
import type { PlannedOperation } from "./plan.ts";

/** The window is kept as counts per bucket; this many buckets make one window (a sliding window). */
const bucketsPerWindow = 60;

/** A leaver held at one provider until an operator releases or discards it. */
export const heldLeaverSchema = z.object({
  provider: z.string(),
  person: z.string(),
  /** The operation that was held: a deactivation (status or patch) or a deletion. */
  op: z.enum(["status", "patch", "delete"]),
  heldAt: z.iso.datetime(),
  /** The queue bodies that led to it (passwords removed), replayed on release or dead-lettered on discard. */
  changes: z.array(z.string()),
  /** Released by an operator: the next time it is planned it applies, without counting against the guard. */
  approved: z.optional(z.boolean()),
});
export type HeldLeaver = z.infer<typeof heldLeaverSchema>;

/** The guard's memory of one provider: distinct leavers in the window, and since when it holds them. */
export interface GuardWindow {
  inWindow: number;
  holdingSince?: string;
}

export type LeaverOperation = Exclude<PlannedOperation, { op: "create" }>;

/** True for operations that take a user's access away: deactivation (alone or in a patch) and deletion. */
export function isLeaver(operation: PlannedOperation): operation is LeaverOperation {
  switch (operation.op) {
    case "delete":
      return true;
    case "status":
      return !operation.active;
    case "patch":
      return operation.changes.active === false;
    default:
      return false;
  }
}

const bucketMs = (windowSeconds: number) => (windowSeconds * 1000) / bucketsPerWindow;

/** The bucket `nowMs` falls into. */
export const windowBucket = (nowMs: number, windowSeconds: number): string =>
  String(Math.floor(nowMs / bucketMs(windowSeconds)));

const inWindow = (bucket: string, nowMs: number, windowSeconds: number) =>
  Number(bucket) > Number(windowBucket(nowMs, windowSeconds)) - bucketsPerWindow;

/**
 * Distinct leavers in the window that ends at `nowMs`, from the persons (or their digests) each bucket
 * holds: a person added twice, in one bucket or two, counts once.
 */
export function leaversInWindow(
  buckets: Readonly<Record<string, readonly string[]>>,
  nowMs: number,
  windowSeconds: number,
): number {
  const persons = new Set<string>();
  for (const [bucket, members] of Object.entries(buckets))
    if (inWindow(bucket, nowMs, windowSeconds)) for (const member of members) persons.add(member);
  return persons.size;
}

/** Buckets that fell out of the window, for the store to forget. */
export const expiredBuckets = (
  buckets: Readonly<Record<string, unknown>>,
  nowMs: number,
  windowSeconds: number,
): string[] => Object.keys(buckets).filter((bucket) => !inWindow(bucket, nowMs, windowSeconds));

export type GuardDecision =
  | { hold: false }
  | { hold: true; reason: "holding" | "threshold"; leavers: number; users: number; limit: number };

/**
 * Pure: whether the leavers of a window (those just planned included) must be held. Once a provider holds,
 * it holds every further leaver until an operator releases or discards; otherwise it starts holding when
 * the window's leavers are at least `minPeople` and more than `maxShare` of the provider's users.
 */
export function decideLeavers(input: {
  window: GuardWindow;
  users: number;
  settings: Pick<DeprovisioningGuardConfig, "maxShare" | "minPeople">;
}): GuardDecision {
  const { window, users, settings } = input;
  const limit = Math.max(settings.minPeople - 1, Math.floor(settings.maxShare * users));
  const leavers = window.inWindow;
  if (window.holdingSince !== undefined) return { hold: true, reason: "holding", leavers, users, limit };
  // leavers ≥ minPeople and leavers > maxShare × users, for whole numbers of leavers.
  if (leavers > limit) return { hold: true, reason: "threshold", leavers, users, limit };
  return { hold: false };
}

/**
 * A queue body as it may be kept in the state table: passwords and hashes never are, and a leaver needs
 * neither. Bodies that are not JSON objects are kept as they are (they never reach a plan anyway).
 */
export function withoutSecrets(body: string): string {
  let change: unknown;
  try {
    change = JSON.parse(body);
  } catch {
    return body;
  }
  const attributes = (change as { attributes?: unknown } | null)?.attributes;
  if (typeof attributes !== "object" || attributes === null) return body;
  if (!("password" in attributes) && !("hashedPassword" in attributes)) return body;
  const { password: _password, hashedPassword: _hash, ...rest } = attributes as Record<string, unknown>;
  return JSON.stringify({ ...(change as object), attributes: rest });
}
