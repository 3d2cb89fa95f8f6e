import type { HrRead } from "../webhooks/hr-api.ts";
import { pageOfRecords, type RecordMapping } from "./person-change.ts";
import { DirectoryReadError, type DirectoryReader } from "./reader.ts";

/** The record an HR API answered with, or the page's failure: retryable for 401/408/429/5xx, final otherwise. */
export function recordOrThrow(read: HrRead): unknown {
  if (read.result === "found") return read.record;
  throw new DirectoryReadError(read.reason, {
    retryable: read.result === "retry",
    retryAfterSeconds: read.result === "retry" ? read.retryAfterSeconds : undefined,
  });
}

/** The array at `key` of an HR API answer; a missing one fails the page (a wrong endpoint, not "nobody"). */
export function listIn(record: unknown, key: string, what: string): unknown[] {
  const list = (record as Record<string, unknown>)[key];
  if (!Array.isArray(list))
    throw new DirectoryReadError(`${what}: the answer has no "${key}" list`, { retryable: false });
  return list;
}

/**
 * A directory an HR API returns whole in one answer (BambooHR's custom report, HiBob's people search):
 * one page, the records in the answer's `listKey` array.
 */
export function onePageDirectory(options: {
  what: string;
  listKey: string;
  read: () => Promise<HrRead>;
  records: RecordMapping;
}): DirectoryReader {
  const { what, listKey, records } = options;
  return {
    source: records.source,
    async readPage(cursor, fetchedAt) {
      if (cursor !== undefined)
        throw new DirectoryReadError(`${what} is read in one page; cursor "${cursor}" is not one of its`, {
          retryable: false,
        });
      const list = listIn(recordOrThrow(await options.read()), listKey, what);
      return pageOfRecords(list, records, fetchedAt, {
        describe: (index) => `${what}: record #${index + 1}`,
      });
    },
  };
}
