import protobuf from "protobufjs";
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
    serializeReserving(value: In, reservedBytes: number): Uint8Array {
      const message = value instanceof ctor ? value : type.fromObject(value as Record<string, unknown>);
      // Placeholder bytes written first; protobufjs then allocates and fills one buffer in finish().
      const writer = protobuf.Writer.create();
      let remaining = reservedBytes;
      for (; remaining >= 4; remaining -= 4) writer.fixed32(0);
      for (; remaining > 0; remaining--) writer.uint32(0);
      return type.encode(message, writer).finish();
    },
    deserialize(bytes: Uint8Array): Out {
      const reader = Buffer.isBuffer(bytes) ? new CheckedBufferReader(bytes) : bytes;
      return type.toObject(type.decode(reader), TO_OBJECT_OPTIONS) as Out;
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
