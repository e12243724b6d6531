// JSON values that keep what JSON.parse loses: a number's exact text (an int64 such as
// 9007199254740993 survives) and the order of object members. And a splitter for a stream of
// concatenated values, as Go's json.Decoder reads them (grpcurl's -d).

/** A JSON number, as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A parsed JSON value; objects are Maps in member order (a repeated name keeps its last value, as in Go). */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

/** Parses one JSON value (surrounding whitespace allowed); throws SyntaxError naming the offset. */
export function parseJson(text: string): JsonValue {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipWhitespace();
  if (parser.offset < text.length) parser.fail("invalid character after top-level value");
  return value;
}

/** Writes a JsonValue back as compact JSON text (numbers as they were written). */
export function stringifyJson(value: JsonValue): string {
  if (value instanceof JsonNumber) return value.text;
  if (value instanceof Map) return `{${[...value].map(([key, member]) => `${JSON.stringify(key)}:${stringifyJson(member)}`).join(",")}}`;
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(",")}]`;
  return JSON.stringify(value);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  offset = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    const reason = this.offset >= this.text.length ? "unexpected end of JSON input" : message;
    throw new SyntaxError(`${reason} at offset ${Math.min(this.offset, this.text.length)}`);
  }

  skipWhitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.offset] ?? "")) this.offset++;
  }

  value(): JsonValue {
    this.skipWhitespace();
    const char = this.text[this.offset];
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') return this.string();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.text.startsWith(word, this.offset)) {
        this.offset += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.offset;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail(char === undefined ? "unexpected end of JSON input" : `invalid character ${JSON.stringify(char)} looking for beginning of value`);
    this.offset += match[0].length;
    return new JsonNumber(match[0]);
  }

  private object(): Map<string, JsonValue> {
    const members = new Map<string, JsonValue>();
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === "}") {
      this.offset++;
      return members;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] !== '"') this.fail("invalid character looking for beginning of object key string");
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.offset++] !== ":") this.fail("invalid character after object key");
      members.delete(key);
      members.set(key, this.value());
      this.skipWhitespace();
      const separator = this.text[this.offset++];
      if (separator === "}") return members;
      if (separator !== ",") this.fail("invalid character after object key:value pair");
    }
  }

  private array(): JsonValue[] {
    const elements: JsonValue[] = [];
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === "]") {
      this.offset++;
      return elements;
    }
    for (;;) {
      elements.push(this.value());
      this.skipWhitespace();
      const separator = this.text[this.offset++];
      if (separator === "]") return elements;
      if (separator !== ",") this.fail("invalid character after array element");
    }
  }

  private string(): string {
    const start = this.offset;
    for (let i = start + 1; i < this.text.length; i++) {
      const char = this.text[i];
      if (char === "\\") i++;
      else if (char === '"') {
        this.offset = i + 1;
        try {
          return JSON.parse(this.text.slice(start, i + 1)) as string;
        } catch {
          this.offset = start;
          return this.fail("invalid string literal");
        }
      }
    }
    this.offset = this.text.length;
    return this.fail("unexpected end of JSON input");
  }
}

/**
 * Splits a stream of concatenated JSON values (whitespace between them optional after an object,
 * array or string) into the text of each value, as chunks arrive; values are not validated here.
 */
export class JsonStreamSplitter {
  #buffer = "";
  #scanned = 0;
  #depth = 0;
  #inString = false;
  #start = -1;

  /** Adds text; returns the values it completed. */
  push(chunk: string): string[] {
    this.#buffer += chunk;
    const values: string[] = [];
    // After a value is taken the buffer restarts at its end, and so does the scan (i = -1).
    for (let i = this.#scanned; i < this.#buffer.length; i++) {
      const char = this.#buffer[i] as string;
      if (this.#inString) {
        if (char === "\\") i++;
        else if (char === '"') {
          this.#inString = false;
          if (this.#depth === 0) {
            values.push(this.#take(i + 1));
            i = -1;
          }
        }
        continue;
      }
      const isSpace = char === " " || char === "\t" || char === "\n" || char === "\r";
      if (this.#start < 0) {
        if (isSpace) continue;
        this.#start = i;
      } else if (this.#depth === 0 && (isSpace || char === "{" || char === "[" || char === '"')) {
        values.push(this.#take(i)); // a bare number or literal ends here
        i = -1;
        continue;
      }
      if (char === '"') this.#inString = true;
      else if (char === "{" || char === "[") this.#depth++;
      else if ((char === "}" || char === "]") && --this.#depth === 0) {
        values.push(this.#take(i + 1));
        i = -1;
      }
    }
    this.#scanned = this.#buffer.length;
    return values;
  }

  /** Ends the stream; returns the last value if one is pending (possibly incomplete: the parser then reports it). */
  end(): string[] {
    const rest = this.#start < 0 ? "" : this.#buffer.slice(this.#start).trim();
    this.#buffer = "";
    this.#scanned = 0;
    this.#start = -1;
    return rest === "" ? [] : [rest];
  }

  #take(end: number): string {
    const value = this.#buffer.slice(this.#start, end);
    this.#buffer = this.#buffer.slice(end);
    this.#scanned = 0;
    this.#start = -1;
    this.#depth = 0;
    return value;
  }
}
