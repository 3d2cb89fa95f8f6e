import type { MergeableChange, UserChange } from "../model/change.ts";

/**
 * Resolves a `refresh` change (the source only said "something changed") by reading the person's current
 * record from the source: into a change the merge applies, or a reason to retry or to reject it.
 */
export type RefreshResolver = (change: UserChange) => Promise<RefreshResult>;
export type RefreshResult =
  | { result: "resolved"; change: MergeableChange }
  | { result: "retry"; reason: string }
  | { result: "rejected"; reason: string };
