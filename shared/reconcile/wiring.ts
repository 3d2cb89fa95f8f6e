import type { Config } from "../config/schema.ts";
import { createDirectories } from "../providers/directories.ts";
import type { DirectoryReader } from "../sources/directory/reader.ts";
import type { ChangeQueue, Log, SecretReader, StateStore } from "../sync/ports.ts";
import type { ReconcileDeps, ReconcileProgress } from "./run.ts";

/** The full-directory readers of the configured sources (HR APIs, files). */
export type ReaderFactory = (config: Config, deps: { secrets: SecretReader; log: Log }) => DirectoryReader[];

export interface ReconcileAdapters {
  store: StateStore;
  queue: ChangeQueue;
  secrets: SecretReader;
  log: Log;
  readersFor: ReaderFactory;
  progress?: ReconcileProgress;
}

/** Everything a reconcile run needs besides the adapters follows from the configuration, on AWS and locally. */
export function reconcileDepsFor(config: Config, adapters: ReconcileAdapters): ReconcileDeps {
  const { secrets, log } = adapters;
  return {
    sources: adapters.readersFor(config, { secrets, log }),
    directories: createDirectories(
      config.providers,
      { secrets, log, concurrency: config.queue.maxConcurrency },
      config.reconcile.listPageSize,
    ),
    store: adapters.store,
    queue: adapters.queue,
    log,
    roleRules: config.roleRules,
    withoutLeavers: config.reconcile.sources
      .filter((source) => !source.leavers)
      .map((source) => source.source),
    ...(adapters.progress ? { progress: adapters.progress } : {}),
  };
}

/**
 * The directory readers of the configured sources. None yet on this branch: the HR readers (BambooHR,
 * HiBob, Personio, files) land separately and are wired here; until then a scheduled or CLI run fails
 * with "no directory source is configured" instead of reading nothing.
 */
export const configuredReaders: ReaderFactory = () => [];
