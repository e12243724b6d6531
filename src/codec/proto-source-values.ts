// How protoprint (protoreflect's .proto printer, which grpcurl's describe uses) writes the
// small things: option lists short and long, option values, proto2 defaults, number ranges and
// string literals.
import type { DescriptorOptions, FieldDescriptorProto, FieldType, NumberRange } from "./descriptor-types.js";
import { jsonNameOf } from "./proto-names.js";
import { quoteText } from "./proto-text-write.js";

const INDENT = "  ";

/** A field's short options: the pseudo-options default and json_name, then its FieldOptions. */
export function fieldOptions(field: FieldDescriptorProto, hasPresence: boolean): Array<readonly [string, string]> {
  const options: Array<readonly [string, string]> = [...optionList(field.options)];
  if (hasPresence && field.defaultValue !== undefined) options.push(["default", defaultText(field.defaultValue, field.type)]);
  const jsonName = field.jsonName;
  if (jsonName !== undefined && jsonName !== "" && jsonName !== jsonNameOf(field.name ?? "")) options.push(["json_name", quotedString(jsonName)]);
  return options.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** protoprint printOptionsShort: " [a = 1, b = 2]", one option per line past 3 options or 50 characters. */
export function shortOptions(options: ReadonlyArray<readonly [string, string]>, depth: number): string {
  if (options.length === 0) return "";
  const items = options.map(([name, value]) => `${name} = ${value}`);
  const inline = items.join(", ");
  if (items.length <= 3 && inline.length <= 50) return ` [${inline}]`;
  const inner = INDENT.repeat(depth + 1);
  return ` [\n${items.map((item) => inner + item).join(",\n")}\n${INDENT.repeat(depth)}]`;
}

/** The standard options set in an *Options message, as (snake_case name, value text), sorted by name. */
export function optionList(options: DescriptorOptions | undefined): Array<readonly [string, string]> {
  const list: Array<readonly [string, string]> = [];
  for (const [key, value] of Object.entries(options ?? {})) {
    // Message-valued options (features) and uninterpreted (custom) options are not printed.
    if (key === "uninterpretedOption" || key === "mapEntry" || value === null || value === undefined) continue;
    const name = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    for (const element of Array.isArray(value) ? (value as unknown[]) : [value]) {
      const text = optionValueText(element);
      if (text !== undefined) list.push([name, text]);
    }
  }
  return list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function optionValueText(value: unknown): string | undefined {
  if (typeof value === "boolean" || typeof value === "number") return typeof value === "number" && !Number.isInteger(value) ? goFloatF(value) : String(value);
  // Enum-typed options arrive as the value's name (decoded with enums: String): an identifier.
  if (typeof value === "string") return /^[A-Z][A-Z0-9_]*$/.test(value) ? value : quotedString(value);
  return undefined;
}

/** protoprint: a default prints as Go's %v of the typed value: %f for floats, identifiers for enums, quoted strings and bytes. */
function defaultText(text: string, type: FieldType | undefined): string {
  switch (type) {
    case "TYPE_STRING":
      return quotedString(text);
    case "TYPE_BYTES":
      return quoteText(unescapeC(text)); // protoprint quotedBytes: the text format's byte escapes
    case "TYPE_FLOAT":
    case "TYPE_DOUBLE":
      return text === "inf" ? "+Inf" : text === "-inf" ? "-Inf" : text === "nan" ? "NaN" : goFloatF(Number(text));
    default:
      return text; // integers, true/false and enum value names print as written
  }
}

// Go's %f: six decimals.
function goFloatF(value: number): string {
  return value.toFixed(6);
}

/** Ranges as "5, 8 to 10, 100 to max" (`isEndExclusive` for a message's ranges, whose end is one past). */
export function rangeList(ranges: readonly NumberRange[], maxNumber: number, isEndExclusive: boolean): string {
  return ranges
    .map((range) => {
      const start = range.start ?? 0;
      const end = (range.end ?? 0) - (isEndExclusive ? 1 : 0);
      if (start === end) return `${start}`;
      return end === maxNumber ? `${start} to max` : `${start} to ${end}`;
    })
    .join(", ");
}

/** protoprint quotedString: UTF-8 kept, \n \r \t \" \\ escaped, unprintable characters as a \u escape (four hex digits) or octal. */
export function quotedString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\u0020/u.test(char)) out += char;
    else if (code > 0xffff) out += `\\U${code.toString(16).toUpperCase().padStart(8, "0")}`;
    else if (code > 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += `\\${code.toString(8).padStart(3, "0")}`;
  }
  return `${out}"`;
}

// protoc writes a bytes default C-escaped (CEscape): octal and the simple escapes.
function unescapeC(text: string): Uint8Array {
  const bytes: number[] = [];
  const simple: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, "\\": 92, a: 7, b: 8, f: 12, v: 11, "?": 63 };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char !== "\\") {
      bytes.push(...Buffer.from(char));
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1));
    if (octal !== null) (bytes.push(parseInt(octal[0], 8) & 0xff), (i += octal[0].length));
    else if (hex !== null) (bytes.push(parseInt(hex[1] as string, 16)), (i += hex[0].length));
    else bytes.push(simple[text[++i] ?? ""] ?? 0);
  }
  return Uint8Array.from(bytes);
}
