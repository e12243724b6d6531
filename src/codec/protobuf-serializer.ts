import type { Type } from "protobufjs";
import type { Serializer } from "../definition.js";

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

/** Builds the serializer of a protobufjs message type; `deserialize` throws for invalid bytes. */
export function createProtobufSerializer<In = unknown, Out = In>(type: Type): Serializer<In, Out> {
  const ctor = type.ctor;
  return {
    serialize(value: In): Uint8Array {
      // An instance of the generated class is already in wire form; plain objects go through
      // fromObject, which accepts every input form listed above and rejects wrong types.
      const message = value instanceof ctor ? value : type.fromObject(value as Record<string, unknown>);
      return type.encode(message).finish();
    },
    deserialize(bytes: Uint8Array): Out {
      return type.toObject(type.decode(bytes), TO_OBJECT_OPTIONS) as Out;
    },
  };
}
