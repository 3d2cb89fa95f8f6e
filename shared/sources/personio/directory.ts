import { forEachLimited } from "../../http/concurrency.ts";
import { listIn, recordOrThrow } from "../directory/hr-read.ts";
import { pageOfRecords, type RecordMapping } from "../directory/person-change.ts";
import { DirectoryReadError, type DirectoryReader, retryHint } from "../directory/reader.ts";
import type { PersonioReader } from "./api.ts";

export interface PersonioDirectoryOptions {
  records: RecordMapping;
  reader: PersonioReader;
  /** Persons per page (Personio allows 1–50). */
  pageSize: number;
  /** Employment reads in flight at once. */
  concurrency: number;
}

const what = "Personio persons list";

/**
 * Every Personio person, page by page (GET /v2/persons with `limit` and the `cursor` of the previous page's
 * next link), each with its first employment read as the webhook path reads it (status, position,
 * supervisor and termination live there). A page is all or nothing: an employment that cannot be read
 * fails the page, to be retried whole.
 */
export function personioDirectory(options: PersonioDirectoryOptions): DirectoryReader {
  const { records, reader } = options;
  return {
    source: records.source,
    async readPage(cursor, fetchedAt) {
      const answer = recordOrThrow(await reader.listPersons(options.pageSize, cursor));
      const persons = await withEmployments(listIn(answer, "_data", what), options);
      const page = pageOfRecords(persons, records, fetchedAt, {
        describe: (index) => `${what}: person #${index + 1}`,
      });
      const next = nextCursor(answer);
      return next === undefined ? page : { ...page, next };
    },
  };
}

async function withEmployments(persons: unknown[], options: PersonioDirectoryOptions): Promise<unknown[]> {
  const full: unknown[] = [...persons];
  const failures: unknown[] = [];
  const indices = persons.map((_, index) => index);
  await forEachLimited(indices, options.concurrency, async (index) => {
    try {
      full[index] = recordOrThrow(await options.reader.withEmployment(persons[index]));
    } catch (error) {
      failures.push(error);
    }
  });
  if (failures.length > 0) throw worstOf(failures);
  return full;
}

/** A final failure before a retryable one; among retryable ones, the longest Retry-After. */
function worstOf(failures: unknown[]): unknown {
  const final = failures.find((error) => !retryHint(error).retryable);
  if (final !== undefined) return final;
  const wait = (error: unknown) => retryHint(error).retryAfterSeconds ?? 0;
  return failures.reduce((longest, error) => (wait(error) > wait(longest) ? error : longest));
}

/** The `cursor` of the answer's next link (`_meta.links.next.href`, or the link as a plain string). */
function nextCursor(answer: unknown): string | undefined {
  const next = (answer as { _meta?: { links?: { next?: unknown } } })._meta?.links?.next;
  const href = typeof next === "string" ? next : (next as { href?: unknown } | undefined)?.href;
  if (href === undefined || href === null || href === "") return undefined;
  const cursor =
    typeof href === "string" ? new URL(href, "https://api.personio.de").searchParams.get("cursor") : null;
  if (!cursor)
    throw new DirectoryReadError(`${what}: the next link ${JSON.stringify(href)} has no cursor`, {
      retryable: false,
    });
  return cursor;
}
