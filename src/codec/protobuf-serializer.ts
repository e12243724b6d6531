import protobuf from "protobufjs";
import type { Field, Type } from "protobufjs";
import type { Serializer, SerializerBatch } from "../definition.js";
import { messageChecker } from "./message-check.js";
import { defaultsFiller, type DefaultsFiller } from "./message-defaults.js";

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
 * message-defaults.ts adds afterwards (sharing one empty Buffer for absent bytes fields).
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
  let fill: DefaultsFiller | undefined; // made on first use: the types it refers to may still be resolving
  // One reader for every message: deserialize runs to completion before the next one starts.
  const reader = new CheckedBufferReader(EMPTY_BUFFER);
  return {
    serialize(value: In): Uint8Array {
      return type.encode(toMessage(value)).finish();
    },
    serializeReserving(value: In, reservedBytes: number): Uint8Array {
      // Placeholder bytes written first; protobufjs then allocates and fills one buffer in finish().
      const writer = protobuf.Writer.create();
      reserve(writer, reservedBytes);
      return type.encode(toMessage(value), writer).finish();
    },
    createBatch(): SerializerBatch<In> {
      // One protobufjs writer for every message: one buffer allocated in finish() for all of them.
      const writer = protobuf.Writer.create();
      return {
        get length() {
          return writer.len;
        },
        append(value: In, reservedBytes: number): number {
          const message = toMessage(value); // throws (before anything is written) for a value that does not fit
          const end = writerEnd(writer);
          try {
            reserve(writer, reservedBytes);
            const start = writer.len;
            type.encode(message, writer);
            return writer.len - start;
          } catch (error) {
            // A message instance the checker does not see can still fail half-way (a number in a
            // string field): cut off what it wrote, so the messages before it stay whole.
            truncateWriter(writer, end);
            throw error;
          }
        },
        finish(): Uint8Array {
          const bytes = writer.finish();
          writer.reset();
          return bytes;
        },
      };
    },
    deserialize(bytes: Uint8Array): Out {
      let decoded: protobuf.Message;
      if (Buffer.isBuffer(bytes)) {
        reader.buf = bytes;
        reader.pos = 0;
        reader.len = bytes.length;
        try {
          decoded = type.decode(reader);
        } finally {
          reader.buf = EMPTY_BUFFER; // holds no message's bytes after it is read
        }
      } else decoded = type.decode(bytes);
      const object = type.toObject(decoded, DECODE_OPTIONS);
      (fill ??= defaultsFiller(type))(object);
      return object as Out;
    },
  };
}

/** Where a protobufjs Writer ends: its list of operations (fork() starts a new one), the length, its fork() stack. */
interface WriterEnd {
  readonly head: object;
  readonly tail: WriterOperation;
  readonly len: number;
  readonly states: object | null;
}

/** One queued write of protobufjs's Writer (Writer.Op, a linked list from `head` to `tail`). */
interface WriterOperation {
  next: WriterOperation | undefined;
}

function writerEnd(writer: protobuf.Writer): WriterEnd {
  return { head: writer.head, tail: writer.tail as WriterOperation, len: writer.len, states: writer.states };
}

/** Drops every operation queued after `end`, and the forks of a nested message left open (Writer.reset() only returns to a fork()). */
function truncateWriter(writer: protobuf.Writer, end: WriterEnd): void {
  end.tail.next = undefined;
  writer.head = end.head;
  writer.tail = end.tail;
  writer.len = end.len;
  writer.states = end.states;
}

/** Writes `bytes` zero bytes, the room a caller fills in afterwards (a frame header). */
function reserve(writer: protobuf.Writer, bytes: number): void {
  let remaining = bytes;
  for (; remaining >= 4; remaining -= 4) writer.fixed32(0);
  for (; remaining > 0; remaining--) writer.uint32(0);
}

const EMPTY_BUFFER = Buffer.alloc(0);

type BufferWithUtf8Slice = Buffer & { utf8Slice(start: number, end: number): string };

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
    // utf8Slice is what toString("utf8") ends in, without its argument checks (protobufjs calls it too).
    return (this.buf as BufferWithUtf8Slice).utf8Slice(start, this.pos);
  }
}
