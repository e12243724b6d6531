// The protobuf text format → a message object protobufjs can encode (grpcurl's -format text
// input): `name: value` pairs, messages in {} or <>, lists in [], repeated fields written more
// than once, map entries as {key: … value: …}, extensions as [pkg.name], # comments, and the
// scalar spellings of the text format spec (hex and octal integers, inf/nan, enum names,
// single- or double-quoted strings with C escapes, adjacent strings concatenated).
import type { Field, Type } from "protobufjs";
import { enumTypeOf, groupTypeOf, hasExplicitPresence, LONG_TYPES, isUnsigned, mapKeyType, messageTypeOf, type MessageObject } from "./message-fields.js";

type Token = { readonly kind: "name" | "number" | "string" | "symbol"; readonly text: string; readonly bytes?: Buffer };

/** Reads text-format `text` as a message of `type`; throws Error naming the line for bad syntax, an unknown field or a wrong value. */
export function fromProtoText(type: Type, text: string): MessageObject {
  const reader = new TextReader(tokenize(text));
  const message = reader.message(type, undefined);
  if (reader.peek() !== undefined) reader.fail(`unexpected ${JSON.stringify(reader.peek()?.text)}`);
  return message;
}

class TextReader {
  #index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.#index];
  }

  fail(message: string): never {
    throw new Error(`text format: ${message}`);
  }

  #next(): Token {
    return this.tokens[this.#index++] ?? this.fail("unexpected end of input");
  }

  #accept(symbol: string): boolean {
    if (this.peek()?.kind !== "symbol" || this.peek()?.text !== symbol) return false;
    this.#index++;
    return true;
  }

  message(type: Type, closing: string | undefined): MessageObject {
    const message: MessageObject = {};
    for (;;) {
      const token = this.peek();
      if (token === undefined) {
        if (closing !== undefined) this.fail(`expected ${JSON.stringify(closing)}`);
        return message;
      }
      if (closing !== undefined && this.#accept(closing)) return message;
      const field = this.#fieldName(type);
      const hasColon = this.#accept(":");
      const values = this.#accept("[") ? this.#list(field) : [this.#value(field, hasColon)];
      this.#store(message, field, values);
      if (!this.#accept(",")) this.#accept(";");
    }
  }

  #fieldName(type: Type): Field {
    if (this.#accept("[")) {
      let name = this.#next().text;
      while (!this.#accept("]")) name += this.#next().text;
      const extension = type.fieldsArray.find((field) => field.declaringField !== null && field.name === `.${name}`);
      return extension ?? this.fail(`unknown extension [${name}] of ${type.fullName.slice(1)}`);
    }
    const token = this.#next();
    if (token.kind !== "name") this.fail(`expected a field name, got ${JSON.stringify(token.text)}`);
    const field =
      type.fields[token.text] ??
      type.fieldsArray.find((candidate) => groupTypeOf(candidate)?.name === token.text);
    return field ?? this.fail(`unknown field ${JSON.stringify(token.text)} in ${type.fullName.slice(1)}`);
  }

  #list(field: Field): unknown[] {
    const values: unknown[] = [];
    if (this.#accept("]")) return values;
    do values.push(this.#value(field, true));
    while (this.#accept(","));
    if (!this.#accept("]")) this.fail(`expected "]" after the values of ${field.name}`);
    return values;
  }

  #value(field: Field, hasColon: boolean): unknown {
    const messageType = field.map ? undefined : messageTypeOf(field);
    if (field.map || messageType !== undefined) {
      const closing = this.#accept("{") ? "}" : this.#accept("<") ? ">" : this.fail(`expected "{" or "<" after ${field.name}`);
      if (!field.map) return this.message(messageType as Type, closing);
      return this.#mapEntry(field, closing);
    }
    if (!hasColon) this.fail(`expected ":" after ${field.name}`);
    return this.#scalar(field);
  }

  #mapEntry(field: Field, closing: string): readonly [string, unknown] {
    let key: unknown;
    let value: unknown;
    while (!this.#accept(closing)) {
      const name = this.#next().text;
      const hasColon = this.#accept(":");
      if (name === "key") key = this.#scalarOf(mapKeyType(field), undefined, field.name);
      else if (name === "value") value = this.#mapValue(field, hasColon);
      else this.fail(`unknown field ${JSON.stringify(name)} in the entries of ${field.name}`);
      if (!this.#accept(",")) this.#accept(";");
    }
    const messageType = messageTypeOf(field);
    // An empty key text is how a false bool key must reach protobufjs (see proto-json-read.ts).
    return [key === false ? "" : String(key ?? ""), value ?? (messageType !== undefined ? {} : field.typeDefault)];
  }

  #mapValue(field: Field, hasColon: boolean): unknown {
    const messageType = messageTypeOf(field);
    if (messageType === undefined) {
      if (!hasColon) this.fail(`expected ":" after value`);
      return this.#scalar(field);
    }
    const closing = this.#accept("{") ? "}" : this.#accept("<") ? ">" : this.fail(`expected "{" or "<" after value`);
    return this.message(messageType, closing);
  }

  #store(message: MessageObject, field: Field, values: unknown[]): void {
    if (field.map) {
      const entries = (message[field.name] ??= {}) as Record<string, unknown>;
      for (const [key, value] of values as Array<readonly [string, unknown]>) entries[key] = value;
    } else if (field.repeated) {
      const list = (message[field.name] ??= []) as unknown[];
      list.push(...values);
    } else {
      if (values.length !== 1) this.fail(`${field.name} is not repeated`);
      const value = values[0];
      for (const member of field.partOf?.fieldsArray ?? []) delete message[member.name];
      if (hasExplicitPresence(field) || !(value === 0 || value === "0" || value === "" || value === false)) message[field.name] = value;
    }
  }

  #scalar(field: Field): unknown {
    return this.#scalarOf(field.type, enumTypeOf(field), field.name);
  }

  #scalarOf(type: string, enumType: ReturnType<typeof enumTypeOf>, name: string): unknown {
    let token = this.#next();
    if (type === "string" || type === "bytes") {
      if (token.kind !== "string") this.fail(`${name}: expected a string, got ${JSON.stringify(token.text)}`);
      let bytes = token.bytes as Buffer;
      while (this.peek()?.kind === "string") bytes = Buffer.concat([bytes, this.#next().bytes as Buffer]);
      return type === "bytes" ? bytes : bytes.toString("utf8");
    }
    let sign = "";
    if (token.kind === "symbol" && token.text === "-") {
      sign = "-";
      token = this.#next();
    }
    const text = token.text;
    if (enumType !== undefined) {
      if (token.kind === "name" && sign === "") return enumType.values[text] ?? this.fail(`unknown value ${text} for enum ${enumType.fullName.slice(1)}`);
      return Number(parseInteger(sign + text) ?? this.fail(`${name}: invalid enum value ${sign}${text}`));
    }
    if (type === "bool") {
      if (["true", "True", "t", "1"].includes(text)) return true;
      if (["false", "False", "f", "0"].includes(text)) return false;
      return this.fail(`${name}: invalid bool ${text}`);
    }
    if (type === "float" || type === "double") {
      const lower = text.toLowerCase();
      if (lower === "inf" || lower === "infinity") return sign === "-" ? -Infinity : Infinity;
      if (lower === "nan") return NaN;
      const number = Number(sign + text.replace(/[fF]$/, ""));
      return Number.isNaN(number) ? this.fail(`${name}: invalid number ${sign}${text}`) : number;
    }
    const integer = parseInteger(sign + text) ?? this.fail(`${name}: invalid integer ${sign}${text}`);
    const bits = LONG_TYPES.has(type) ? 64 : 32;
    const [min, max] = isUnsigned(type) ? [0n, 2n ** BigInt(bits) - 1n] : [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n];
    if (integer < min || integer > max) this.fail(`${name}: ${integer} is out of range for ${type}`);
    return bits === 64 ? integer.toString() : Number(integer);
  }
}

// Decimal, 0x hex or 0-prefixed octal, as the text format spells integers.
function parseInteger(text: string): bigint | undefined {
  const match = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (match === null) return undefined;
  const [, sign, digits = ""] = match;
  const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return sign === "-" ? -magnitude : magnitude;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, "\\": 92, "'": 39, '"': 34, "?": 63 };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length; ) {
    const char = text[i] as string;
    if (char === "\n") line++;
    if (/\s/.test(char)) {
      i++;
    } else if (char === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (char === '"' || char === "'") {
      const bytes: number[] = [];
      let j = i + 1;
      for (; j < text.length && text[j] !== char; j++) {
        const c = text[j] as string;
        if (c === "\n") throw new Error(`text format: line ${line}: unterminated string`);
        if (c !== "\\") {
          bytes.push(...Buffer.from(c));
          continue;
        }
        const escape = text[++j] ?? "";
        const octal = /^[0-7]{1,3}/.exec(text.slice(j));
        const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(j));
        const unicode = /^(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(text.slice(j));
        if (SIMPLE_ESCAPES[escape] !== undefined) bytes.push(SIMPLE_ESCAPES[escape]);
        else if (octal !== null) (bytes.push(parseInt(octal[0], 8) & 0xff), (j += octal[0].length - 1));
        else if (hex !== null) (bytes.push(parseInt(hex[1] as string, 16)), (j += hex[0].length - 1));
        else if (unicode !== null) (bytes.push(...Buffer.from(String.fromCodePoint(parseInt((unicode[1] ?? unicode[2]) as string, 16)))), (j += unicode[0].length - 1));
        else throw new Error(`text format: line ${line}: invalid escape \\${escape}`);
      }
      if (j >= text.length) throw new Error(`text format: line ${line}: unterminated string`);
      tokens.push({ kind: "string", text: text.slice(i, j + 1), bytes: Buffer.from(bytes) });
      i = j + 1;
    } else {
      const word = /^(?:[A-Za-z_][\w]*|\.?\d[\w.+-]*?(?=[\s,;:\]}>#]|$)|[\d.][\w.]*)/.exec(text.slice(i));
      if (word !== null && word[0] !== "") {
        tokens.push({ kind: /^[A-Za-z_]/.test(word[0]) ? "name" : "number", text: word[0] });
        i += word[0].length;
      } else {
        tokens.push({ kind: "symbol", text: char });
        i++;
      }
    }
  }
  return tokens;
}
