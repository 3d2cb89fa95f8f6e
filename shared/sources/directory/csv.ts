/** A CSV file that is not well formed, with the line it goes wrong on. */
export class CsvError extends Error {
  override readonly name = "CsvError";
}

export interface CsvRecord {
  /** The line the record starts on (1-based; a quoted field may run over several lines). */
  line: number;
  fields: string[];
}

/**
 * Parses CSV as RFC 4180 describes it: fields separated by `delimiter`, records by CRLF or LF, a field in
 * double quotes may hold delimiters, line breaks and doubled quotes (`""` for `"`). A leading byte-order
 * mark and blank lines are ignored. A quote inside an unquoted field, text after a closing quote, or a
 * quote never closed is an error naming its line, never a guess.
 */
export function parseCsv(text: string, delimiter = ","): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  let line = 1;
  let position = 0;
  while (position < input.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      const field = readField(input, position, delimiter, line);
      fields.push(field.value);
      position = field.end;
      line = field.line;
      const next = input[position];
      if (next === delimiter) {
        position += 1;
        continue;
      }
      if (next === "\r" && input[position + 1] === "\n") position += 2;
      else if (next === "\n") position += 1;
      else if (next !== undefined)
        throw new CsvError(`line ${line}: unexpected ${JSON.stringify(next)} after a quoted field`);
      line += next === undefined ? 0 : 1;
      break;
    }
    const blank = fields.length === 1 && fields[0] === "";
    if (!blank) records.push({ line: start, fields });
  }
  return records;
}

interface Field {
  value: string;
  /** Index of the character after the field (a delimiter, a line break or the end). */
  end: number;
  /** The line the field ends on. */
  line: number;
}

function readField(input: string, start: number, delimiter: string, line: number): Field {
  if (input[start] !== '"') {
    let end = start;
    while (end < input.length && input[end] !== delimiter && input[end] !== "\n" && input[end] !== "\r") {
      if (input[end] === '"')
        throw new CsvError(
          `line ${line}: a quote inside an unquoted field (quote the whole field and double it)`,
        );
      end += 1;
    }
    if (input[end] === "\r" && input[end + 1] !== "\n")
      throw new CsvError(`line ${line}: a carriage return without a line feed outside quotes`);
    return { value: input.slice(start, end), end, line };
  }
  let value = "";
  let position = start + 1;
  let current = line;
  for (;;) {
    const quote = input.indexOf('"', position);
    if (quote < 0) throw new CsvError(`line ${line}: a quoted field is never closed`);
    const chunk = input.slice(position, quote);
    current += chunk.split("\n").length - 1;
    value += chunk;
    if (input[quote + 1] === '"') {
      value += '"';
      position = quote + 2;
      continue;
    }
    return { value, end: quote + 1, line: current };
  }
}
