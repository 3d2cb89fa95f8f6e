import { describe, expect, it } from "vitest";
import { CsvError, parseCsv } from "../../../shared/sources/directory/csv.ts";

describe("CSV (RFC 4180)", () => {
  it("reads quoted fields with delimiters, doubled quotes and line breaks, and CRLF or LF records", () => {
    const text = 'id,name,note\r\n1,"Lee, Ann","said ""hi"""\r\n2,Bo,"two\r\nlines"\n3,,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["id", "name", "note"] },
      { line: 2, fields: ["1", "Lee, Ann", 'said "hi"'] },
      { line: 3, fields: ["2", "Bo", "two\r\nlines"] },
      { line: 5, fields: ["3", "", ""] },
    ]);
  });

  it("ignores a byte-order mark, blank lines and a missing final line break; takes another delimiter", () => {
    expect(parseCsv("\uFEFFa;b\n\n1;2", ";")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["1", "2"] },
    ]);
    expect(parseCsv('"a;b";c', ";")).toEqual([{ line: 1, fields: ["a;b", "c"] }]);
    expect(parseCsv("")).toEqual([]);
  });

  it("refuses what it would have to guess, naming the line", () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(
      new CsvError("line 2: a quoted field is never closed"),
    );
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(
      new CsvError("line 2: a quote inside an unquoted field (quote the whole field and double it)"),
    );
    expect(() => parseCsv('a,b\n"1"x,2\n')).toThrow(
      new CsvError('line 2: unexpected "x" after a quoted field'),
    );
    expect(() => parseCsv("a,b\r1,2")).toThrow(
      new CsvError("line 1: a carriage return without a line feed outside quotes"),
    );
  });
});
