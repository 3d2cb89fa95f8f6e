import { ScimError } from "./errors.ts";

export const compareOperators = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const;
export type CompareOperator = (typeof compareOperators)[number];

/** A comparison value; `text` keeps an unquoted token as written (Entra sends `externalId eq jyoung`). */
export interface FilterLiteral {
  value: string | number | boolean | null;
  quoted: boolean;
  text: string;
}

/** A parsed filter (RFC 7644 §3.4.2.2); attribute paths stay as written and are resolved when compiled. */
export type Filter =
  | { kind: "logical"; operator: "and" | "or"; left: Filter; right: Filter }
  | { kind: "not"; filter: Filter }
  | { kind: "present"; attribute: string }
  | { kind: "compare"; attribute: string; operator: CompareOperator; literal: FilterLiteral }
  | { kind: "valuePath"; attribute: string; filter: Filter };

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; value: string }
  | { kind: "(" | ")" | "[" | "]" };

const maxLength = 8192;
const maxDepth = 32;

/**
 * Parses a filter. `not` binds tighter than `and`, `and` tighter than `or`; keywords and operators are
 * case-insensitive. Beyond the ABNF, two forms real clients send are accepted: an unquoted value, and
 * `attr[filter].sub op value` (Entra's `emails[type eq "work"].value eq "…"`), read as
 * `attr[filter and sub op value]`. `inValuePath` parses the inside of brackets, where brackets may not nest.
 */
export function parseFilter(text: string, options: { inValuePath?: boolean } = {}): Filter {
  if (text.length > maxLength) throw invalid(`a filter may be at most ${maxLength} characters`);
  const parser = new Parser(tokenize(text), options.inValuePath ?? false);
  const filter = parser.parseOr(0);
  parser.expectEnd();
  return filter;
}

const invalid = (detail: string) => new ScimError(400, detail, "invalidFilter");

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) index += 1;
    else if (char === "(" || char === ")" || char === "[" || char === "]") {
      tokens.push({ kind: char });
      index += 1;
    } else if (char === '"') {
      const end = closingQuote(text, index);
      try {
        tokens.push({ kind: "string", value: JSON.parse(text.slice(index, end + 1)) as string });
      } catch {
        throw invalid(`the string at position ${index + 1} is not valid JSON`);
      }
      index = end + 1;
    } else {
      const match = /^[^\s()[\]"]+/.exec(text.slice(index)) as RegExpExecArray;
      tokens.push({ kind: "word", text: match[0] });
      index += match[0].length;
    }
  }
  return tokens;
}

function closingQuote(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] === "\\") index += 1;
    else if (text[index] === '"') return index;
  }
  throw invalid(`the string at position ${start + 1} is not closed`);
}

const isKeyword = (token: Token | undefined, keyword: string): boolean =>
  token?.kind === "word" && token.text.toLowerCase() === keyword;

class Parser {
  readonly #tokens: Token[];
  readonly #inValuePath: boolean;
  #position = 0;

  constructor(tokens: Token[], inValuePath: boolean) {
    this.#tokens = tokens;
    this.#inValuePath = inValuePath;
  }

  parseOr(depth: number): Filter {
    let left = this.#parseAnd(depth);
    while (isKeyword(this.#peek(), "or")) {
      this.#position += 1;
      left = { kind: "logical", operator: "or", left, right: this.#parseAnd(depth) };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.#peek();
    if (token) throw invalid(`unexpected ${describe(token)}`);
  }

  #parseAnd(depth: number): Filter {
    let left = this.#parseUnary(depth);
    while (isKeyword(this.#peek(), "and")) {
      this.#position += 1;
      left = { kind: "logical", operator: "and", left, right: this.#parseUnary(depth) };
    }
    return left;
  }

  #parseUnary(depth: number): Filter {
    if (depth > maxDepth) throw invalid(`filters may nest at most ${maxDepth} levels`);
    const token = this.#next();
    if (isKeyword(token, "not")) return { kind: "not", filter: this.#parseUnary(depth + 1) };
    if (token?.kind === "(") {
      const inner = this.parseOr(depth + 1);
      this.#expect(")");
      return inner;
    }
    if (token?.kind !== "word")
      throw invalid(token ? `unexpected ${describe(token)}` : "the filter ends early");
    return this.#parseAttributeExpression(token.text, depth);
  }

  #parseAttributeExpression(attribute: string, depth: number): Filter {
    if (!/^[A-Za-z$][\w$:.-]*$/.test(attribute)) throw invalid(`"${attribute}" is not an attribute path`);
    if (this.#peek()?.kind !== "[") return this.#parseComparison(attribute);
    if (this.#inValuePath) throw invalid("value filters ([…]) cannot nest");
    this.#position += 1;
    const inner = new Parser(this.#tokens, true);
    inner.#position = this.#position;
    const filter = inner.parseOr(depth + 1);
    this.#position = inner.#position;
    this.#expect("]");
    const after = this.#peek();
    if (after?.kind === "word" && after.text.startsWith(".")) {
      this.#position += 1;
      const condition = this.#parseComparison(after.text.slice(1));
      return {
        kind: "valuePath",
        attribute,
        filter: { kind: "logical", operator: "and", left: filter, right: condition },
      };
    }
    return { kind: "valuePath", attribute, filter };
  }

  #parseComparison(attribute: string): Filter {
    const operatorToken = this.#next();
    const operator = operatorToken?.kind === "word" ? operatorToken.text.toLowerCase() : "";
    if (operator === "pr") return { kind: "present", attribute };
    if (!(compareOperators as readonly string[]).includes(operator))
      throw invalid(
        `expected an operator after "${attribute}"${operatorToken ? `, got ${describe(operatorToken)}` : ""}`,
      );
    return {
      kind: "compare",
      attribute,
      operator: operator as CompareOperator,
      literal: this.#parseLiteral(),
    };
  }

  #parseLiteral(): FilterLiteral {
    const token = this.#next();
    if (token?.kind === "string") return { value: token.value, quoted: true, text: token.value };
    if (token?.kind !== "word")
      throw invalid(token ? `expected a value, got ${describe(token)}` : "a value is missing");
    const text = token.text;
    const keyword = text.toLowerCase();
    if (keyword === "true" || keyword === "false") return { value: keyword === "true", quoted: false, text };
    if (keyword === "null") return { value: null, quoted: false, text };
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return { value: Number(text), quoted: false, text };
    return { value: text, quoted: false, text };
  }

  #expect(kind: ")" | "]"): void {
    const token = this.#next();
    if (token?.kind !== kind) throw invalid(`expected "${kind}"${token ? `, got ${describe(token)}` : ""}`);
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#position];
  }

  #next(): Token | undefined {
    const token = this.#tokens[this.#position];
    if (token) this.#position += 1;
    return token;
  }
}

function describe(token: Token): string {
  if (token.kind === "word") return `"${token.text}"`;
  if (token.kind === "string") return `the string ${JSON.stringify(token.value)}`;
  return `"${token.kind}"`;
}
