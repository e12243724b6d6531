// What the JSON and text formats need to know about a protobufjs field and its value in a
// decoded message: presence (as protobuf-go's Message.Has decides it), 64-bit values, map keys.
import protobuf from "protobufjs";
import type { Field, Type } from "protobufjs";

/** A decoded protobufjs message (or a plain object in its shape): field values by field name. */
export type MessageObject = { [name: string]: unknown };

/** The .proto scalar types that hold 64-bit integers (protobufjs decodes them to Long). */
export const LONG_TYPES: ReadonlySet<string> = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const UNSIGNED_TYPES: ReadonlySet<string> = new Set(["uint64", "fixed64", "uint32", "fixed32"]);

/** True for uint32, uint64, fixed32 and fixed64. */
export function isUnsigned(type: string): boolean {
  return UNSIGNED_TYPES.has(type);
}

/** The fields of `type` in declaration order, without the copies protobufjs adds for extensions. */
export function ownFields(type: Type): Field[] {
  return type.fieldsArray.filter((field) => field.declaringField === null);
}

/** The extension fields protobufjs added to `type` (named ".pkg.extension"), by number. */
export function extensionFields(type: Type): Field[] {
  return type.fieldsArray.filter((field) => field.declaringField !== null).sort((a, b) => a.id - b.id);
}

/** The field's message type, or undefined for scalars and enums. */
export function messageTypeOf(field: Field): Type | undefined {
  const resolved = field.resolve().resolvedType;
  return resolved instanceof protobuf.Type ? resolved : undefined;
}

/** The message type of a proto2 group field (a message written tag-delimited, named by its type), or undefined. */
export function groupTypeOf(field: Field): Type | undefined {
  const type = messageTypeOf(field);
  return (type as { group?: boolean } | undefined)?.group === true ? type : undefined;
}

/** The field's enum, or undefined. */
export function enumTypeOf(field: Field): protobuf.Enum | undefined {
  const resolved = field.resolve().resolvedType;
  return resolved instanceof protobuf.Enum ? resolved : undefined;
}

/** The field's JSON name: its json_name option, or the name itself (loadProto's names are already lowerCamel). */
export function jsonNameOfField(field: Field): string {
  const option: unknown = field.options?.["json_name"];
  return typeof option === "string" ? option : field.name;
}

/** True when the field tracks presence: messages, oneof members (proto3 optional too) and proto2 scalars. */
export function hasExplicitPresence(field: Field): boolean {
  if (field.repeated || field.map) return false;
  if (messageTypeOf(field) !== undefined || field.partOf !== null) return true;
  return field.hasPresence;
}

/**
 * True when `message` has the field set, as protobuf-go's Has: a non-empty list or map, a
 * present field with presence, or a non-zero value for a proto3 scalar without presence
 * (-0.0 counts as set, as its bits are not zero).
 */
export function isFieldSet(message: MessageObject, field: Field): boolean {
  const value = message[field.name];
  if (field.map) return value !== null && typeof value === "object" && Object.keys(value).length > 0;
  if (field.repeated) return Array.isArray(value) && value.length > 0;
  if (!Object.prototype.hasOwnProperty.call(message, field.name) || value === null || value === undefined) return false;
  if (hasExplicitPresence(field)) return true;
  return !isZeroValue(value);
}

function isZeroValue(value: unknown): boolean {
  if (typeof value === "number") return value === 0 && !Object.is(value, -0);
  if (typeof value === "string") return value === "" || value === "0";
  if (typeof value === "boolean") return !value;
  if (value instanceof Uint8Array) return value.length === 0;
  if (isLongBits(value)) return value.low === 0 && value.high === 0;
  return false;
}

/** A 64-bit value (Long, number or decimal string) as a decimal string, signed or unsigned as its type says. */
export function longToString(value: unknown, type: string): string {
  const unsigned = isUnsigned(type);
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    const integer = BigInt(Math.trunc(value));
    return (unsigned ? BigInt.asUintN(64, integer) : BigInt.asIntN(64, integer)).toString();
  }
  if (!isLongBits(value)) return "0";
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return (unsigned ? bits : BigInt.asIntN(64, bits)).toString();
}

// A Long (what protobufjs decodes 64-bit integers to), seen only through its two 32-bit halves.
function isLongBits(value: unknown): value is { low: number; high: number } {
  return typeof value === "object" && value !== null && typeof (value as { low?: unknown }).low === "number" && typeof (value as { high?: unknown }).high === "number";
}

/** The key type of a map field ("string", "int64", …); protobufjs types MapField apart from Field. */
export function mapKeyType(field: Field): string {
  return (field as unknown as protobuf.MapField).keyType;
}

/**
 * A key of a decoded map as text: protobufjs keys 64-bit maps by an 8-character hash of the
 * value (util.longToHash), and every other key by its decimal, "true"/"false" or the string itself.
 */
export function mapKeyText(key: string, keyType: string): string {
  if (!LONG_TYPES.has(keyType) || key.length !== 8) return key;
  const bits = protobuf.util.LongBits.fromHash(key);
  return longToString({ low: bits.lo, high: bits.hi }, keyType);
}

/** Compares map keys in the order grpc-go sorts them: numerically for integers, false before true, strings by UTF-8 bytes. */
export function compareMapKeys(a: string, b: string, keyType: string): number {
  if (keyType === "string") return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (keyType === "bool") return (a === "true" ? 1 : 0) - (b === "true" ? 1 : 0);
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The short name of a google.protobuf well-known type ("Timestamp"), or undefined for any other message. */
export function wellKnownName(type: Type): string | undefined {
  const fullName = type.fullName;
  return fullName.startsWith(".google.protobuf.") && fullName.lastIndexOf(".") === 16 ? fullName.slice(17) : undefined;
}
