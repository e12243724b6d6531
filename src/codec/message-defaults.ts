import protobuf from "protobufjs";
import type { Field, Type } from "protobufjs";

// What protobufjs's toObject({defaults: true}) adds to a decoded message, added by h2grpc instead
// (protobuf-serializer.ts decodes with defaults: false): protobufjs gives every absent bytes field
// a new empty Buffer (a new ArrayBuffer each), a large share of a streaming receiver's CPU; here
// every such field shares one.

/** Adds the defaults of absent fields to a message object decoded without them, nested messages included. */
export type DefaultsFiller = (object: Record<string, unknown>) => void;

/** The empty default of every absent bytes field without a proto2 default, shared by all messages. */
const EMPTY_BYTES = Buffer.alloc(0);

type MessageShape = "single" | "repeated" | "map";

const fillers = new WeakMap<Type, DefaultsFiller>();

/**
 * The filler of `type`, made once per type, as converter.js would fill: [] for repeated fields, {}
 * for maps, the (proto2 or zero) default for other fields outside oneofs (null for messages), and
 * the same inside present nested messages. Make it after the type's references resolved.
 */
export function defaultsFiller(type: Type): DefaultsFiller {
  let filler = fillers.get(type);
  if (filler === undefined) {
    filler = makeFiller(type);
    fillers.set(type, filler);
  }
  return filler;
}

function makeFiller(type: Type): DefaultsFiller {
  // Parallel arrays walked with indexes: the filler runs for every message received.
  const valueNames: string[] = [];
  const values: unknown[] = []; // immutable: strings, numbers, booleans, null, the shared empty Buffer
  const arrays: string[] = [];
  const maps: string[] = [];
  const bytesNames: string[] = [];
  const bytesDefaults: number[][] = []; // a proto2 non-empty bytes default: a new Buffer each time, as protobufjs does
  const messageNames: string[] = [];
  const messageShapes: MessageShape[] = [];
  const messageTypes: Type[] = [];
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type) {
      messageNames.push(field.name);
      messageShapes.push(field.map ? "map" : field.repeated ? "repeated" : "single");
      messageTypes.push(field.resolvedType);
    }
    if (field.partOf) continue; // a oneof member (or proto3 optional) appears only when set
    if (field.repeated) arrays.push(field.name);
    else if (field.map) maps.push(field.name);
    else if (field.bytes && (field.typeDefault as Uint8Array).length > 0) {
      bytesNames.push(field.name);
      bytesDefaults.push(Array.from(field.typeDefault as Uint8Array));
    } else {
      valueNames.push(field.name);
      values.push(scalarDefault(field));
    }
  }
  // The scalar defaults as straight-line code with constant property names: this runs for every
  // message received, and a loop over names would make every access a megamorphic keyed one.
  const fillValues = compileValueFill(valueNames);
  let nested: DefaultsFiller[] | undefined; // looked up on first use: a message type may contain itself
  return (object) => {
    fillValues(object, values);
    for (let i = 0; i < arrays.length; i++) if (object[arrays[i] as string] === undefined) object[arrays[i] as string] = [];
    for (let i = 0; i < maps.length; i++) if (object[maps[i] as string] === undefined) object[maps[i] as string] = {};
    for (let i = 0; i < bytesNames.length; i++) {
      const name = bytesNames[i] as string;
      if (object[name] === undefined) object[name] = protobuf.util.newBuffer(bytesDefaults[i] as number[]);
    }
    if (messageNames.length === 0) return;
    nested ??= messageTypes.map(defaultsFiller);
    for (let i = 0; i < messageNames.length; i++) {
      const value = object[messageNames[i] as string];
      if (value === undefined || value === null) continue;
      const fill = nested[i] as DefaultsFiller;
      const shape = messageShapes[i];
      if (shape === "single") fill(value as Record<string, unknown>);
      else if (shape === "repeated") for (const element of value as Record<string, unknown>[]) fill(element);
      else for (const element of Object.values(value as Record<string, Record<string, unknown>>)) fill(element);
    }
  };
}

/** `(object, values) => { if (object["a"] === undefined) object["a"] = values[0]; ... }` for `names` (JSON-quoted, so every name is safe). */
function compileValueFill(names: readonly string[]): (object: Record<string, unknown>, values: readonly unknown[]) => void {
  const body = names.map((name, i) => `if (o[${JSON.stringify(name)}] === undefined) o[${JSON.stringify(name)}] = v[${i}];`).join("\n");
  // Generated from the field names only, as protobufjs generates its own codecs.
  return new Function("o", "v", body) as (object: Record<string, unknown>, values: readonly unknown[]) => void;
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
