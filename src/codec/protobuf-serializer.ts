import protobuf from "protobufjs";
import type { Field, Type } from "protobufjs";
import type { Serializer } from "../definition.js";
import { messageChecker } from "./message-check.js";

/**
 * How decoded messages look to users, here and nowhere else: lowerCamel field names (the proto3
 * JSON names), every field present with its default (like Go's zero values), 64-bit integers as
 * decimal strings (exact; a JS number is not), enums as their names, bytes as Uint8Array, and
 * the name of the set field of each oneof. Senders may pass numbers, strings or Longs for 64-bit
 * fields and names or numbers for enums.
 */
export const TO_OBJECT_OPTIONS = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/**
 * What deserialize asks protobufjs for: TO_OBJECT_OPTIONS without the defaults, which
 * `fillDefaults` adds afterwards from a plan made once per type. protobufjs's own defaults give
 * every absent bytes field a new empty Buffer (a new ArrayBuffer each), a large share of a
 * streaming receiver's CPU; the plan shares one empty Buffer instead.
 */
const DECODE_OPTIONS = { ...TO_OBJECT_OPTIONS, defaults: false } as const;

/**
 * Builds the serializer of a protobufjs message type; `serialize` throws InvalidMessageError for a
 * value that does not fit the type, `deserialize` throws for invalid bytes.
 */
export function createProtobufSerializer<In = unknown, Out = In>(type: Type): Serializer<In, Out> {
  const ctor = type.ctor;
  // An instance of the generated class is already in wire form; plain objects are checked against
  // the type (message-check.ts: fromObject would silently convert what does not fit), then converted.
  let check: ((value: unknown) => void) | undefined; // made on first use, like the defaults plan
  const toMessage = (value: In): protobuf.Message => {
    if (value instanceof ctor) return value as unknown as protobuf.Message;
    (check ??= messageChecker(type))(value);
    return type.fromObject(value as Record<string, unknown>);
  };
  let plan: DefaultsPlan | undefined; // made on first use: the types it refers to may still be resolving
  return {
    serialize(value: In): Uint8Array {
      return type.encode(toMessage(value)).finish();
    },
    serializeReserving(value: In, reservedBytes: number): Uint8Array {
      // Placeholder bytes written first; protobufjs then allocates and fills one buffer in finish().
      const writer = protobuf.Writer.create();
      let remaining = reservedBytes;
      for (; remaining >= 4; remaining -= 4) writer.fixed32(0);
      for (; remaining > 0; remaining--) writer.uint32(0);
      return type.encode(toMessage(value), writer).finish();
    },
    deserialize(bytes: Uint8Array): Out {
      const reader = Buffer.isBuffer(bytes) ? new CheckedBufferReader(bytes) : bytes;
      const object = type.toObject(type.decode(reader), DECODE_OPTIONS);
      fillDefaults(object, (plan ??= defaultsPlan(type)));
      return object as Out;
    },
  };
}

/**
 * protobufjs's BufferReader (used for every Buffer, i.e. all bytes node:http2 receives) reads a
 * string whose length runs past the end as a shorter string instead of failing, so a truncated
 * message would decode "successfully". This reader checks the bound like the Uint8Array reader does.
 */
class CheckedBufferReader extends protobuf.BufferReader {
  override string(): string {
    const length = this.uint32();
    const start = this.pos;
    if (start + length > this.len) throw new RangeError(`index out of range: ${start} + ${length} > ${this.len}`);
    this.pos = start + length;
    return (this.buf as Buffer).toString("utf8", start, this.pos);
  }
}

/** The empty default of every absent bytes field without a proto2 default, shared by all messages. */
const EMPTY_BYTES = Buffer.alloc(0);

/**
 * What `toObject({defaults: true})` adds to one message of a type, as converter.js generates it:
 * [] for repeated fields, {} for maps, the (proto2 or zero) default for other fields outside
 * oneofs (null for messages), and the nested message fields whose present values need the same.
 */
interface DefaultsPlan {
  /** Immutable defaults: strings, numbers, booleans, null, the shared empty Buffer. */
  readonly values: ReadonlyArray<readonly [name: string, value: unknown]>;
  readonly arrays: readonly string[];
  readonly maps: readonly string[];
  /** Fields whose proto2 default is non-empty bytes: a new Buffer each time, as protobufjs does. */
  readonly bytes: ReadonlyArray<readonly [name: string, value: number[]]>;
  readonly messages: ReadonlyArray<readonly [name: string, shape: "single" | "repeated" | "map", type: Type]>;
}

const plans = new WeakMap<Type, DefaultsPlan>();

function defaultsPlan(type: Type): DefaultsPlan {
  let plan = plans.get(type);
  if (plan === undefined) {
    plan = makeDefaultsPlan(type);
    plans.set(type, plan);
  }
  return plan;
}

function makeDefaultsPlan(type: Type): DefaultsPlan {
  const values: [string, unknown][] = [];
  const arrays: string[] = [];
  const maps: string[] = [];
  const bytes: [string, number[]][] = [];
  const messages: [string, "single" | "repeated" | "map", Type][] = [];
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type) {
      messages.push([field.name, field.map ? "map" : field.repeated ? "repeated" : "single", field.resolvedType]);
    }
    if (field.partOf) continue; // a oneof member (or proto3 optional) appears only when set
    if (field.repeated) arrays.push(field.name);
    else if (field.map) maps.push(field.name);
    else if (field.bytes && (field.typeDefault as Uint8Array).length > 0) bytes.push([field.name, Array.from(field.typeDefault as Uint8Array)]);
    else values.push([field.name, scalarDefault(field)]);
  }
  return { values, arrays, maps, bytes, messages };
}

/** The default converter.js writes for a singular field with options {longs: String, enums: String}. */
function scalarDefault(field: Field): unknown {
  const typeDefault: unknown = field.typeDefault;
  if (field.resolvedType instanceof protobuf.Enum) return field.resolvedType.valuesById[typeDefault as number];
  if (field.long) {
    const long = typeDefault as { low: number; high: number; unsigned: boolean };
    return new protobuf.util.Long(long.low, long.high, long.unsigned).toString();
  }
  if (field.bytes) return EMPTY_BYTES;
  // converter.js embeds the default as JSON (%j), so e.g. a proto2 `[default = inf]` becomes null.
  return typeDefault === undefined ? undefined : JSON.parse(JSON.stringify(typeDefault));
}

function fillDefaults(object: Record<string, unknown>, plan: DefaultsPlan): void {
  for (const [name, value] of plan.values) if (object[name] === undefined) object[name] = value;
  for (const name of plan.arrays) if (object[name] === undefined) object[name] = [];
  for (const name of plan.maps) if (object[name] === undefined) object[name] = {};
  for (const [name, value] of plan.bytes) if (object[name] === undefined) object[name] = protobuf.util.newBuffer(value);
  for (const [name, shape, type] of plan.messages) {
    const value = object[name];
    if (value === undefined || value === null) continue;
    if (shape === "single") fillDefaults(value as Record<string, unknown>, defaultsPlan(type));
    else if (shape === "repeated") for (const element of value as Record<string, unknown>[]) fillDefaults(element, defaultsPlan(type));
    else for (const element of Object.values(value as Record<string, Record<string, unknown>>)) fillDefaults(element, defaultsPlan(type));
  }
}
