// Decoded protobufjs message → proto3 JSON text, byte for byte as grpc-go's jsonpb Marshaler
// writes it (github.com/golang/protobuf/jsonpb encode.go, which grpcurl prints): fields in
// declaration order under their JSON names, a oneof where its first member is declared, 64-bit
// integers and non-finite floats as strings, enums by name, bytes as base64, map keys sorted, and
// the well-known types in their JSON forms. Output is compact; indentGoJson re-spaces it.
import protobuf from "protobufjs";
import type { Field, Type } from "protobufjs";
import { formatGoJsonFloat, quoteGoJson } from "./go-json.js";
import {
  compareMapKeys,
  enumTypeOf,
  extensionFields,
  isFieldSet,
  jsonNameOfField,
  LONG_TYPES,
  longToString,
  mapKeyText,
  mapKeyType,
  messageTypeOf,
  ownFields,
  wellKnownName,
  type MessageObject,
} from "./message-fields.js";

/** How toProtoJson writes a message. */
export interface ProtoJsonWriteOptions {
  /** Write unset fields too: zero values, [] and {}, and null for unset messages and proto2 scalars (jsonpb EmitDefaults). */
  readonly emitDefaults?: boolean;
  /** The message type an Any's type URL names; undefined writes the Any as {"@type", "@error", "@value"} (base64), as grpcurl does. */
  readonly resolveAny?: (typeUrl: string) => Type | undefined;
}

// The types jsonpb writes in a special form (json.go wellKnownType); an Any holding one wraps it in "value".
const SPECIAL_FORMS = new Set([
  "Empty", "Any", "BoolValue", "BytesValue", "StringValue", "Int32Value", "UInt32Value", "FloatValue",
  "Int64Value", "UInt64Value", "DoubleValue", "Duration", "Timestamp", "NullValue", "Struct", "Value", "ListValue",
]);
const WRAPPERS = new Set(["BoolValue", "BytesValue", "StringValue", "Int32Value", "UInt32Value", "FloatValue", "Int64Value", "UInt64Value", "DoubleValue"]);
const MAX_DURATION_SECONDS = 315_576_000_000;

/**
 * Writes `message` (decoded by `type`) as compact proto3 JSON, as grpc-go's jsonpb does; throws
 * Error for values JSON cannot hold (a Duration or Timestamp out of range, a Value with no kind)
 * and for an Any whose bytes do not decode as the type it names.
 */
export function toProtoJson(type: Type, message: MessageObject, options: ProtoJsonWriteOptions = {}): string {
  return new JsonWriter(options).message(type, message, undefined);
}

class JsonWriter {
  constructor(private readonly options: ProtoJsonWriteOptions) {}

  message(type: Type, message: MessageObject, typeUrl: string | undefined): string {
    const special = wellKnownName(type);
    if (special !== undefined && typeUrl === undefined) {
      const written = this.wellKnown(special, type, message);
      if (written !== undefined) return written;
    }
    const members: string[] = typeUrl === undefined ? [] : [`"@type":${quoteGoJson(typeUrl)}`];
    const visitedOneofs = new Set<protobuf.OneOf>();
    for (const declared of ownFields(type)) {
      let field: Field | undefined = declared;
      const oneof = declared.partOf;
      if (oneof !== null) {
        // encode.go: a oneof is written where its first member is declared, as the member that is set.
        if (visitedOneofs.has(oneof)) continue;
        visitedOneofs.add(oneof);
        field = oneof.fieldsArray.find((member) => isFieldSet(message, member));
        if (field === undefined) continue;
      }
      if (isFieldSet(message, field)) {
        members.push(`"${jsonNameOfField(field)}":${this.value(field, message[field.name])}`);
      } else if (this.options.emitDefaults === true) {
        members.push(`"${jsonNameOfField(field)}":${this.defaultValue(field)}`);
      }
    }
    for (const extension of extensionFields(type)) {
      if (!isFieldSet(message, extension)) continue;
      members.push(`"[${extension.name.replace(/^\./, "")}]":${this.value(extension, message[extension.name])}`);
    }
    return `{${members.join(",")}}`;
  }

  /** What EmitDefaults writes for an unset field. */
  private defaultValue(field: Field): string {
    if (field.map) return "{}";
    if (field.repeated) return "[]";
    if (messageTypeOf(field) !== undefined || field.hasPresence) return "null";
    return this.singular(field, field.typeDefault);
  }

  private value(field: Field, value: unknown): string {
    if (field.map) {
      const keyType = mapKeyType(field);
      const entries = Object.entries(value as Record<string, unknown>).map(([key, entry]) => [mapKeyText(key, keyType), entry] as const);
      entries.sort(([a], [b]) => compareMapKeys(a, b, keyType));
      return `{${entries.map(([key, entry]) => `${quoteGoJson(key)}:${this.singular(field, entry)}`).join(",")}}`;
    }
    if (field.repeated) return `[${(value as unknown[]).map((element) => this.singular(field, element)).join(",")}]`;
    return this.singular(field, value);
  }

  private singular(field: Field, value: unknown): string {
    const messageType = messageTypeOf(field);
    if (messageType !== undefined) return this.message(messageType, (value ?? {}) as MessageObject, undefined);
    const enumType = enumTypeOf(field);
    if (enumType !== undefined) {
      if (enumType.fullName === ".google.protobuf.NullValue") return "null";
      const number = typeof value === "string" ? (enumType.values[value] ?? 0) : Number(value ?? 0);
      const name = enumType.valuesById[number];
      return name === undefined ? String(number) : `"${name}"`;
    }
    return scalarJson(field.type, value);
  }

  private wellKnown(name: string, type: Type, message: MessageObject): string | undefined {
    const byNumber = (id: number): Field => type.fieldsById[id] as Field;
    const get = (id: number): unknown => message[byNumber(id).name];
    if (WRAPPERS.has(name)) return this.singular(byNumber(1), get(1) ?? byNumber(1).typeDefault);
    switch (name) {
      case "Any":
        return this.any(String(get(1) ?? ""), (get(2) as Uint8Array | undefined) ?? new Uint8Array());
      case "Duration":
        return formatDuration(Number(longToString(get(1) ?? 0, "int64")), Number(get(2) ?? 0));
      case "Timestamp":
        return formatTimestamp(Number(longToString(get(1) ?? 0, "int64")), Number(get(2) ?? 0));
      case "Value": {
        const kind = type.oneofsArray[0]?.fieldsArray.find((member) => isFieldSet(message, member));
        if (kind === undefined) throw new Error("nil Value");
        return this.value(kind, message[kind.name]);
      }
      case "Struct":
      case "ListValue":
        return this.value(byNumber(1), get(1) ?? (name === "Struct" ? {} : []));
      default:
        return undefined;
    }
  }

  private any(typeUrl: string, bytes: Uint8Array): string {
    const type = this.options.resolveAny?.(typeUrl);
    if (type === undefined) {
      const name = typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
      const error = `${name} is not recognized; see @value for raw binary message data`;
      return `{"@type":${quoteGoJson(typeUrl)},"@error":${quoteGoJson(error)},"@value":"${Buffer.from(bytes).toString("base64")}"}`;
    }
    const inner = type.decode(bytes) as unknown as MessageObject;
    const special = wellKnownName(type);
    if (special === undefined || !SPECIAL_FORMS.has(special)) return this.message(type, inner, typeUrl);
    return `{"@type":${quoteGoJson(typeUrl)},"value":${this.message(type, inner, undefined)}}`;
  }
}

function scalarJson(type: string, value: unknown): string {
  if (LONG_TYPES.has(type)) return `"${longToString(value ?? 0, type)}"`;
  switch (type) {
    case "double":
    case "float": {
      const number = Number(value ?? 0);
      if (Number.isNaN(number)) return '"NaN"';
      if (!Number.isFinite(number)) return number > 0 ? '"Infinity"' : '"-Infinity"';
      return formatGoJsonFloat(number, type === "float");
    }
    case "bool":
      return value === true ? "true" : "false";
    case "string":
      return quoteGoJson(String(value ?? ""));
    case "bytes":
      return `"${Buffer.from((value as Uint8Array | undefined) ?? []).toString("base64")}"`;
    default:
      return String(Number(value ?? 0));
  }
}

// encode.go: "%s%d.%09d", then three trailing zeros dropped at a time, so 0, 3, 6 or 9 digits.
function formatDuration(seconds: number, nanos: number): string {
  if (Math.abs(seconds) > MAX_DURATION_SECONDS) throw new Error(`seconds out of range ${seconds}`);
  if (nanos <= -1e9 || nanos >= 1e9) throw new Error(`ns out of range (-1000000000, 1000000000)`);
  if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) throw new Error("signs of seconds and nanos do not match");
  const sign = seconds < 0 || nanos < 0 ? "-" : "";
  return `"${sign}${trimFraction(`${Math.abs(seconds)}.${String(Math.abs(nanos)).padStart(9, "0")}`)}s"`;
}

// encode.go: RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits.
function formatTimestamp(seconds: number, nanos: number): string {
  if (nanos < 0 || nanos >= 1e9) throw new Error("ns out of range [0, 1000000000)");
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new Error(`timestamp out of range: ${seconds} seconds`);
  const wholeSeconds = date.toISOString().replace(/\.\d+Z$/, "").replace(/^\+0*(\d{4,})/, "$1");
  return `"${trimFraction(`${wholeSeconds}.${String(nanos).padStart(9, "0")}`)}Z"`;
}

function trimFraction(text: string): string {
  return text.replace(/000$/, "").replace(/000$/, "").replace(/\.000$/, "");
}
