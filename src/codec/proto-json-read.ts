// Proto3 JSON → a message object protobufjs can encode, read as grpc-go's jsonpb Unmarshaler
// reads it (jsonpb decode.go, what grpcurl's -d goes through): a field by its proto name or its
// JSON name, null as unset, 64-bit integers and floats as numbers or strings, enums by name or
// number, bytes as standard base64, the well-known types in their JSON forms, and an error for
// an unknown field or a value of the wrong kind.
import protobuf from "protobufjs";
import type { Field, Type } from "protobufjs";
import { JsonNumber, parseJson, type JsonValue } from "./json-values.js";
import { enumTypeOf, groupTypeOf, hasExplicitPresence, jsonNameOfField, LONG_TYPES, isUnsigned, mapKeyType, messageTypeOf, ownFields, wellKnownName, type MessageObject } from "./message-fields.js";
import { parseGoDuration, parseRfc3339 } from "./time-text.js";

/** How fromProtoJson reads a message. */
export interface ProtoJsonReadOptions {
  /** Ignore members that name no field instead of failing (grpcurl -allow-unknown-fields). */
  readonly allowUnknownFields?: boolean;
  /** The message type an Any's "@type" names; undefined fails the read. */
  readonly resolveAny?: (typeUrl: string) => Type | undefined;
}

const INT32_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
};
const FLOAT32_MAX = 3.4028234663852886e38;
// What jsonpb unmarshals each scalar into, for Go's error wording.
const GO_TYPES: Readonly<Record<string, string>> = {
  double: "float64", float: "float32", int64: "int64", sint64: "int64", sfixed64: "int64", uint64: "uint64", fixed64: "uint64",
  int32: "int32", sint32: "int32", sfixed32: "int32", uint32: "uint32", fixed32: "uint32", bytes: "[]uint8",
};

/**
 * Reads a JSON value (text, or a value from parseJson) as a message of `type`; returns an object
 * for `type.encode`. Throws Error naming the field for an unknown field, a wrong value or a
 * proto2 required field left unset ("proto: required field pkg.Msg.name not set").
 */
export function fromProtoJson(type: Type, json: string | JsonValue, options: ProtoJsonReadOptions = {}): MessageObject {
  const value = typeof json === "string" ? parseJson(json) : json;
  const reader = new JsonReader(options);
  // decode.go: a top-level null is an empty message, kept for compatibility.
  const message = value === null && wellKnownName(type) !== "Value" ? {} : reader.message(type, value);
  checkRequiredFields(type, message);
  return message;
}

/**
 * A Root loaded with lowerCamel field names (loadProto, as servers load services) no longer knows
 * the proto names ("an_int64"), which proto3 JSON readers must accept too; protobufjs named each
 * field by the camelCase of its proto name, so that camelCase finds the field. Undefined when no
 * member name has an underscore (always, for JSON names).
 */
function snakeCaseMembers(members: Map<string, JsonValue>): Map<string, string> | undefined {
  let found: Map<string, string> | undefined;
  for (const name of members.keys()) {
    if (name.includes("_")) (found ??= new Map()).set(protobuf.util.camelCase(name), name);
  }
  return found;
}

class JsonReader {
  constructor(private readonly options: ProtoJsonReadOptions) {}

  message(type: Type, value: JsonValue): MessageObject {
    const special = wellKnownName(type);
    if (special !== undefined) {
      const read = this.wellKnown(special, type, value);
      if (read !== undefined) return read;
    }
    if (value === null) return {};
    const members = asObject(value, type.fullName.slice(1));
    const message: MessageObject = {};
    const snakeNames = snakeCaseMembers(members);
    for (const field of ownFields(type)) {
      let raw: JsonValue | undefined;
      // decode.go: a group is named by its message type ("Note"), not by its field ("note").
      const protoName = groupTypeOf(field)?.name ?? field.name;
      const names = [protoName, jsonNameOfField(field)];
      const snakeName = snakeNames?.get(field.name);
      if (snakeName !== undefined) names.push(snakeName);
      for (const name of names) {
        if (!members.has(name)) continue;
        raw = members.get(name);
        members.delete(name);
      }
      if (raw === undefined || (raw === null && !acceptsNull(field))) continue;
      const read = this.field(field, raw);
      if (read === undefined) continue;
      // Setting a oneof member clears the others, as in protobuf-go: the one declared last wins.
      for (const member of field.partOf?.fieldsArray ?? []) delete message[member.name];
      message[field.name] = read;
    }
    const unknown = [...members.keys()][0];
    if (unknown !== undefined && this.options.allowUnknownFields !== true) {
      throw new Error(`unknown field ${JSON.stringify(unknown)} in ${type.fullName.slice(1)}`);
    }
    return message;
  }

  /** The value to store for a field, or undefined when it is the zero value of a field without presence. */
  private field(field: Field, raw: JsonValue): unknown {
    if (field.map) {
      const entries: Record<string, unknown> = {};
      for (const [key, value] of asObject(raw, field.name)) {
        const keyType = mapKeyType(field);
        const keyValue = keyType === "string" ? key : this.scalar(keyType, parseMapKey(key), field.name);
        // protobufjs 7.6 encodes a bool key with w.bool(key) on the key's text, and "false" is truthy:
        // the empty string is the one key text it encodes as false (and decodes back as "false").
        entries[keyValue === false ? "" : String(keyValue)] = this.singular(field, value);
      }
      return Object.keys(entries).length === 0 ? undefined : entries;
    }
    if (field.repeated) {
      if (!Array.isArray(raw)) throw new Error(`field ${field.name}: expected an array, got ${describe(raw)}`);
      return raw.length === 0 ? undefined : raw.map((element) => this.singular(field, element));
    }
    const value = this.singular(field, raw);
    return hasExplicitPresence(field) || !isZero(value) ? value : undefined;
  }

  private singular(field: Field, raw: JsonValue): unknown {
    const messageType = messageTypeOf(field);
    if (messageType !== undefined) return this.message(messageType, raw);
    const enumType = enumTypeOf(field);
    if (enumType !== undefined) {
      if (typeof raw === "string") {
        const number = enumType.values[raw];
        if (number === undefined) throw new Error(`unknown value ${JSON.stringify(JSON.stringify(raw))} for enum ${enumType.fullName.slice(1)}`);
        return number;
      }
      if (raw === null && enumType.fullName === ".google.protobuf.NullValue") return 0;
      return Number(this.scalar("int32", raw, field.name));
    }
    return this.scalar(field.type, raw, field.name);
  }

  /** decode.go unmarshalSingularValue for scalars: integers and floats may be quoted, nothing else may. */
  scalar(type: string, raw: JsonValue, name: string): unknown {
    const fail = (): never => {
      throw new Error(`field ${name}: cannot unmarshal ${describe(raw)} into Go value of type ${GO_TYPES[type] ?? type}`);
    };
    switch (type) {
      case "bool":
        return typeof raw === "boolean" ? raw : fail();
      case "string":
        return typeof raw === "string" ? raw : fail();
      case "bytes": {
        if (typeof raw !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 !== 0) return fail();
        return Buffer.from(raw, "base64");
      }
      case "float":
      case "double": {
        if (raw === "NaN") return NaN;
        if (raw === "Infinity") return Infinity;
        if (raw === "-Infinity") return -Infinity;
        const text = numberText(raw) ?? fail();
        if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) return fail();
        const number = Number(text);
        if (!Number.isFinite(number) || (type === "float" && Math.abs(number) > FLOAT32_MAX)) return fail();
        return number;
      }
      default: {
        const text = numberText(raw) ?? fail();
        if (!/^-?(?:0|[1-9]\d*)$/.test(text)) return fail();
        const integer = BigInt(text);
        const [min, max] = LONG_TYPES.has(type) ? (isUnsigned(type) ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n]) : (INT32_RANGE[type] ?? fail());
        if (integer < min || integer > max) return fail();
        return LONG_TYPES.has(type) ? integer.toString() : Number(integer);
      }
    }
  }

  private wellKnown(name: string, type: Type, raw: JsonValue): MessageObject | undefined {
    const fieldName = (id: number): string => (type.fieldsById[id] as Field).name;
    const wrapper = /^(Bool|Bytes|String|Int32|UInt32|Float|Int64|UInt64|Double)Value$/.exec(name);
    if (wrapper !== null) {
      const field = type.fieldsById[1] as Field;
      return { [field.name]: this.scalar(field.type, raw, name) };
    }
    switch (name) {
      case "Any":
        return this.any(type, raw);
      case "Duration":
      case "Timestamp": {
        if (typeof raw !== "string") throw new Error(`bad ${name}: expected a string, got ${describe(raw)}`);
        const { seconds, nanos } = name === "Duration" ? parseGoDuration(raw) : parseRfc3339(raw);
        return { [fieldName(1)]: seconds.toString(), [fieldName(2)]: nanos };
      }
      case "Value":
        return this.jsonValue(type, raw);
      case "ListValue": {
        if (!Array.isArray(raw)) throw new Error(`bad ListValue: expected an array, got ${describe(raw)}`);
        const valueType = messageTypeOf(type.fieldsById[1] as Field) as Type;
        return { [fieldName(1)]: raw.map((element) => this.jsonValue(valueType, element)) };
      }
      case "Struct": {
        const valueType = messageTypeOf(type.fieldsById[1] as Field) as Type;
        const fields: Record<string, MessageObject> = {};
        for (const [key, value] of asObject(raw, "Struct")) fields[key] = this.jsonValue(valueType, value);
        return { [fieldName(1)]: fields };
      }
      default:
        return undefined;
    }
  }

  /** google.protobuf.Value: null, a number, a string, a boolean, a Struct or a ListValue. */
  private jsonValue(type: Type, raw: JsonValue): MessageObject {
    const field = (id: number): Field => type.fieldsById[id] as Field;
    if (raw === null) return { [field(1).name]: 0 };
    if (typeof raw === "boolean") return { [field(4).name]: raw };
    if (typeof raw === "string") return { [field(3).name]: raw };
    if (raw instanceof JsonNumber) return { [field(2).name]: Number(raw.text) };
    const kind = Array.isArray(raw) ? field(6) : field(5);
    return { [kind.name]: this.message(messageTypeOf(kind) as Type, raw) };
  }

  private any(type: Type, raw: JsonValue): MessageObject {
    const members = new Map(asObject(raw, "Any"));
    const typeUrl = members.get("@type");
    if (typeof typeUrl !== "string") throw new Error("Any JSON doesn't have '@type'");
    const valueType = this.options.resolveAny?.(typeUrl);
    if (valueType === undefined) throw new Error(`could not resolve Any message type: ${typeUrl}`);
    members.delete("@type");
    let inner: MessageObject;
    if (wellKnownName(valueType) !== undefined) {
      if (!members.has("value")) throw new Error("Any JSON doesn't have 'value'");
      inner = this.message(valueType, members.get("value") as JsonValue);
    } else {
      inner = this.message(valueType, members);
    }
    return { [(type.fieldsById[1] as Field).name]: typeUrl, [(type.fieldsById[2] as Field).name]: valueType.encode(inner).finish() };
  }
}

/** Fails with protobuf-go's message for a proto2 required field left unset, searching nested messages too. */
function checkRequiredFields(type: Type, message: MessageObject): void {
  for (const field of ownFields(type)) {
    const value = message[field.name];
    if (field.required && value === undefined) throw new Error(`proto: required field ${type.fullName.slice(1)}.${field.name} not set`);
    const messageType = messageTypeOf(field);
    if (messageType === undefined || value === undefined || wellKnownName(messageType) !== undefined) continue;
    const values = field.map ? Object.values(value as object) : field.repeated ? (value as unknown[]) : [value];
    for (const element of values) checkRequiredFields(messageType, element as MessageObject);
  }
}

// decode.go: null leaves a field unset, except for google.protobuf.Value and NullValue, where it is a value.
function acceptsNull(field: Field): boolean {
  if (field.repeated || field.map) return false;
  const messageType = messageTypeOf(field);
  if (messageType !== undefined) return messageType.fullName === ".google.protobuf.Value";
  return enumTypeOf(field)?.fullName === ".google.protobuf.NullValue";
}

// -0.0 is not zero to protobuf-go (its bits are not), so it is kept.
function isZero(value: unknown): boolean {
  return (value === 0 && !Object.is(value, -0)) || value === "0" || value === "" || value === false || (value instanceof Uint8Array && value.length === 0);
}

// decode.go trimQuote: a quoted number is read as the number inside the quotes.
function numberText(raw: JsonValue): string | undefined {
  if (raw instanceof JsonNumber) return raw.text;
  return typeof raw === "string" ? raw : undefined;
}

// Map keys are strings in JSON; a bool or integer key is read from the text inside.
function parseMapKey(key: string): JsonValue {
  if (key === "true" || key === "false") return key === "true";
  return new JsonNumber(key);
}

function asObject(raw: JsonValue, name: string): Map<string, JsonValue> {
  if (raw instanceof Map) return new Map(raw);
  throw new Error(`${name}: expected a JSON object, got ${describe(raw)}`);
}

function describe(raw: JsonValue): string {
  if (raw === null) return "null";
  if (raw instanceof JsonNumber) return `number ${raw.text}`;
  if (raw instanceof Map) return "object";
  if (Array.isArray(raw)) return "array";
  return typeof raw === "string" ? `string ${JSON.stringify(raw)}` : `${String(raw)}`;
}
