// Decoded protobufjs message → the protobuf text format, as grpcurl prints it with -format text
// (protoreflect's dynamic Message.MarshalTextIndent): set fields in field-number order, one per
// line, messages as `name: <` … `>`, groups as `Name {` … `}`, map entries sorted by key, strings
// and bytes with C escapes (octal for bytes outside printable ASCII).
import type { Field, Type } from "protobufjs";
import { shortestFloat32 } from "./go-json.js";
import {
  compareMapKeys,
  enumTypeOf,
  groupTypeOf,
  isFieldSet,
  LONG_TYPES,
  longToString,
  mapKeyText,
  mapKeyType,
  messageTypeOf,
  type MessageObject,
} from "./message-fields.js";

const INDENT = "  ";

/** Writes `message` (decoded by `type`) in the indented text format; throws nothing. */
export function toProtoText(type: Type, message: MessageObject): string {
  const writer = new TextWriter();
  writer.message(type, message);
  return writer.text;
}

/** dynamic/indent.go: a buffer whose line breaks carry the current depth of indentation. */
class TextWriter {
  text = "";
  #depth = 0;

  #newLine(): void {
    this.text += `\n${INDENT.repeat(this.#depth)}`;
  }

  #open(bracket: string): void {
    this.text += bracket;
    this.#depth++;
    this.#newLine();
  }

  #close(bracket: string): void {
    this.#depth--;
    this.#newLine();
    this.text += bracket;
  }

  message(type: Type, message: MessageObject): void {
    let isFirst = true;
    const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    for (const field of fields) {
      if (!isFieldSet(message, field)) continue;
      const value = message[field.name];
      const values = field.map ? mapEntries(field, value as Record<string, unknown>) : field.repeated ? (value as unknown[]) : [value];
      for (const element of values) {
        if (!isFirst) this.#newLine();
        isFirst = false;
        if (field.map) this.#mapEntry(field, element as readonly [string, unknown]);
        else this.#field(field, element);
      }
    }
  }

  #field(field: Field, value: unknown): void {
    const messageType = messageTypeOf(field);
    const name = field.declaringField !== null ? `[${field.name.replace(/^\./, "")}]` : field.name;
    const groupType = groupTypeOf(field);
    if (groupType !== undefined) {
      this.text += groupType.name;
      this.#open("{");
      this.message(groupType, value as MessageObject);
      this.#close("}");
      return;
    }
    this.text += `${name}: `;
    if (messageType !== undefined) {
      this.#open("<");
      this.message(messageType, value as MessageObject);
      this.#close(">");
      return;
    }
    this.text += scalarText(field, value);
  }

  #mapEntry(field: Field, [key, value]: readonly [string, unknown]): void {
    this.text += `${field.name}: `;
    this.#open("<");
    const keyType = mapKeyType(field);
    this.text += `key: ${keyType === "string" ? quoteText(Buffer.from(key)) : key}`;
    this.#newLine();
    const messageType = messageTypeOf(field);
    if (messageType === undefined) {
      this.text += `value: ${scalarText(field, value)}`;
    } else if (value !== null && value !== undefined) {
      this.text += "value: ";
      this.#open("<");
      this.message(messageType, value as MessageObject);
      this.#close(">");
    }
    this.#close(">");
  }
}

function mapEntries(field: Field, map: Record<string, unknown>): Array<readonly [string, unknown]> {
  const keyType = mapKeyType(field);
  return Object.entries(map)
    .map(([key, value]) => [mapKeyText(key, keyType), value] as const)
    .sort(([a], [b]) => compareMapKeys(a, b, keyType));
}

function scalarText(field: Field, value: unknown): string {
  const enumType = enumTypeOf(field);
  if (enumType !== undefined) {
    const number = typeof value === "string" ? (enumType.values[value] ?? 0) : Number(value);
    return enumType.valuesById[number] ?? String(number);
  }
  if (LONG_TYPES.has(field.type)) return longToString(value, field.type);
  switch (field.type) {
    case "double":
    case "float":
      return formatGoFloatG(Number(value), field.type === "float");
    case "bool":
      return value === true ? "true" : "false";
    case "string":
      return quoteText(Buffer.from(String(value)));
    case "bytes":
      return quoteText(Buffer.from(value as Uint8Array));
    default:
      return String(value);
  }
}

/** dynamic/text.go writeString: byte by byte; \n \r \t \" \\ escaped, other bytes outside 0x20-0x7e as octal. */
export function quoteText(bytes: Uint8Array): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += "\\\\";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `${out}"`;
}

/**
 * A float as Go's strconv.FormatFloat(f, 'g', -1, bits): the shortest digits, with an exponent
 * (at least two digits) when it is below -4 or at least 6; nan, inf and -inf spelled as the
 * text format spells them.
 */
export function formatGoFloatG(value: number, isFloat32: boolean): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa = "", exponentText = "0"] = (isFloat32 ? shortestFloat32(value) : value).toExponential().split("e");
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const magnitude = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${digits[0] ?? ""}${fraction}e${exponent < 0 ? "-" : "+"}${magnitude}`;
  }
  const pointAt = exponent + 1;
  if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${"0".repeat(pointAt - digits.length)}`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
