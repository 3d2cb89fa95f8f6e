import type { FileSourceConfig } from "../../config/file-sources.ts";
import { readPath } from "../mapping/evaluate.ts";
import { parseCsv } from "./csv.ts";
import { pageOfRecords, personOf, type RecordMapping } from "./person-change.ts";
import { DirectoryReadError, type DirectoryReader } from "./reader.ts";

/** The records of a file, each with the words that name it in an error ("line 7", "record #3"). */
interface FileRecords {
  records: unknown[];
  labels: string[];
}

/**
 * A directory export read as a source: CSV rows (objects keyed by the header's column names) or JSON
 * records, `pageSize` at a time; the cursor is the index of the next record. A file that is not well
 * formed, a row without a person id, a person on two rows or a value that does not fit its attribute fails
 * the read with an error naming the row: a skipped row would make a complete snapshot that lacks someone.
 */
export function fileDirectory(source: FileSourceConfig, content: string): DirectoryReader {
  const recordMapping: RecordMapping = {
    source: source.name,
    person: source.person,
    mapping: source.mapping,
    timing: source.leavers,
  };
  let parsed: FileRecords | undefined;
  return {
    source: source.name,
    async readPage(cursor, fetchedAt) {
      parsed ??= checkedRecords(source, content, recordMapping);
      const { records, labels } = parsed;
      const start = offsetOf(cursor, records.length);
      const end = Math.min(records.length, start + source.pageSize);
      const page = pageOfRecords(records.slice(start, end), recordMapping, fetchedAt, {
        describe: (index) => `${source.name}: ${labels[start + index]}`,
        strict: true,
      });
      return end < records.length ? { ...page, next: String(end) } : page;
    },
  };
}

function checkedRecords(
  source: FileSourceConfig,
  content: string,
  recordMapping: RecordMapping,
): FileRecords {
  try {
    const file =
      source.format === "csv" ? csvRecords(content, source.delimiter) : jsonRecords(content, source);
    refuseDuplicates(file, recordMapping);
    return file;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DirectoryReadError(`${source.name}: ${message}`, { retryable: false });
  }
}

function csvRecords(content: string, delimiter: string): FileRecords {
  const [header, ...rows] = parseCsv(content, delimiter);
  if (!header) throw new Error("the file is empty: the first row must name the columns");
  const names = header.fields.map((name) => name.trim());
  names.forEach((name, index) => {
    if (name === "") throw new Error(`line ${header.line}: column ${index + 1} has no name`);
    if (names.indexOf(name) !== index) throw new Error(`line ${header.line}: column "${name}" twice`);
  });
  for (const row of rows)
    if (row.fields.length !== names.length)
      throw new Error(`line ${row.line}: ${row.fields.length} fields, the header has ${names.length}`);
  return {
    records: rows.map((row) => Object.fromEntries(names.map((name, index) => [name, row.fields[index]]))),
    labels: rows.map((row) => `line ${row.line}`),
  };
}

function jsonRecords(content: string, source: FileSourceConfig): FileRecords {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const list = source.records === undefined ? document : readPath(document, source.records);
  if (!Array.isArray(list)) throw new Error(`${source.records ?? "the document"} is not a list of records`);
  const labels = list.map((_, index) => `record #${index + 1}`);
  list.forEach((record, index) => {
    if (record === null || typeof record !== "object" || Array.isArray(record))
      throw new Error(`${labels[index]} is not an object`);
  });
  return { records: list, labels };
}

/** A person on two rows would be merged from both, silently: refused, naming both rows. */
function refuseDuplicates(file: FileRecords, recordMapping: RecordMapping) {
  const firstRow = new Map<string, number>();
  file.records.forEach((record, index) => {
    const person = personOf(record, recordMapping.person, 0, recordMapping.timing);
    if (person === undefined) return;
    const first = firstRow.get(person);
    if (first !== undefined)
      throw new Error(`${file.labels[index]}: person ${person} is also on ${file.labels[first]}`);
    firstRow.set(person, index);
  });
}

function offsetOf(cursor: string | undefined, length: number): number {
  if (cursor === undefined) return 0;
  const offset = /^\d+$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!(offset <= length))
    throw new DirectoryReadError(`cursor "${cursor}" is not a record index of this file`, {
      retryable: false,
    });
  return offset;
}
