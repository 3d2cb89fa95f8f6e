import type { Config } from "../config/schema.ts";
import type { ChangeScheduler } from "../ports/change-scheduler.ts";
import { createDirectories } from "../providers/directories.ts";
import type { ReconcileDeps, ReconcileProgress } from "../reconcile/run.ts";
import { fileDirectory } from "../sources/directory/file-reader.ts";
import { hrDirectoryReader } from "../sources/directory/hr-readers.ts";
import type { DirectoryReader } from "../sources/directory/reader.ts";
import type { ChangeQueue, Log, SecretReader, StateStore } from "../sync/ports.ts";

/** The full-directory readers of the configured sources (HR APIs, files). */
export type ReaderFactory = (
  config: Config,
  deps: { secrets: SecretReader; log: Log; files?: Readonly<Record<string, string>> },
) => DirectoryReader[];

export interface ReconcileAdapters {
  store: StateStore;
  queue: ChangeQueue;
  secrets: SecretReader;
  log: Log;
  readersFor: ReaderFactory;
  /** Directory exports by file source name (the CLI's --file). */
  files?: Readonly<Record<string, string>>;
  scheduler?: ChangeScheduler;
  progress?: ReconcileProgress;
}

/** Everything a reconcile run needs besides the adapters follows from the configuration, on AWS and locally. */
export function reconcileDepsFor(config: Config, adapters: ReconcileAdapters): ReconcileDeps {
  const { secrets, log } = adapters;
  return {
    sources: adapters.readersFor(config, {
      secrets,
      log,
      ...(adapters.files ? { files: adapters.files } : {}),
    }),
    directories: createDirectories(
      config.providers,
      { secrets, log, concurrency: config.queue.maxConcurrency },
      config.reconcile.listPageSize,
    ),
    store: adapters.store,
    queue: adapters.queue,
    log,
    roleRules: config.roleRules,
    ...(config.phoneDefaultRegion ? { phoneDefaultRegion: config.phoneDefaultRegion } : {}),
    withoutLeavers: config.reconcile.sources
      .filter((source) => !source.leavers)
      .map((source) => source.source),
    ...(adapters.progress ? { progress: adapters.progress } : {}),
    ...(adapters.scheduler ? { scheduler: adapters.scheduler } : {}),
  };
}

/**
 * The directory readers of the configured sources: every HR webhook source with an API (BambooHR with
 * `api`, HiBob, Personio), and the file sources whose export was handed over (`files`, by source name). A
 * file source takes the place of a webhook source of the same name: the file lists the same people.
 */
export const configuredReaders: ReaderFactory = (config, { secrets, files = {} }) => {
  const fromFiles = config.fileSources
    .filter((source) => files[source.name] !== undefined)
    .map((source) => fileDirectory(source, files[source.name] as string));
  const fromApis = config.webhooks
    .filter((source) => !fromFiles.some((reader) => reader.source === source.name))
    .flatMap((source) => hrDirectoryReader(source, { secrets }) ?? []);
  return [...fromFiles, ...fromApis];
};
