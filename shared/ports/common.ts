import type { UserChange } from "../model/change.ts";

// The ports both the sources (ingest) and the sync core depend on; each side's own ports live beside it.

/** Hands changes to the sync worker (SQS in AWS, an in-memory queue locally). */
export interface ChangeQueue {
  /** Resolves with the ids of the changes that could not be enqueued (empty when all were). */
  send(changes: readonly UserChange[]): Promise<string[]>;
}

/** Reads a secret's current value; `fresh` bypasses the cache (after a 401, when a key was rotated). */
export interface SecretReader {
  read(name: string, options?: { fresh?: boolean }): Promise<string>;
}

/** Structural subset of the Powertools logger, so neither sources nor the core depend on it. */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
