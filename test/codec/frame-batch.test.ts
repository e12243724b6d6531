// FrameBatch: the frames of several responses in one buffer (server streaming writes what is ready
// at once). Whatever is added comes out as whole frames in order, with or without the serializer's
// createBatch, and a message that cannot be sent throws without damaging the ones around it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Serializer } from "../../src/definition.js";
import { FrameBatch } from "../../src/codec/frame-batch.js";
import { createJsonSerializer } from "../../src/codec/json-serializer.js";
import { loadProto } from "../../src/codec/load-service.js";
import { createProtobufSerializer } from "../../src/codec/protobuf-serializer.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";
import { Status } from "../../src/status.js";
import { catchGrpcError } from "../helpers/catch-grpc-error.js";
import { assertProperty } from "../helpers/property.js";

const replyType = loadProto("test/protos/echo.proto").lookupType("h2grpc.test.EchoReply");
const protobufReplies = createProtobufSerializer<unknown, Record<string, unknown>>(replyType);
const jsonReplies = createJsonSerializer(replyType) as Serializer<unknown, Record<string, unknown>>;

const SERIALIZERS = [
  ["protobuf (createBatch)", protobufReplies],
  ["JSON (a frame per message)", jsonReplies],
] as const;

/** Every frame of `bytes`, decoded with `serializer`; the frames must end exactly where the bytes do. */
function decodeAll(serializer: Serializer<unknown, Record<string, unknown>>, bytes: Uint8Array | undefined): Record<string, unknown>[] {
  if (bytes === undefined) return [];
  const decoder = new FrameDecoder();
  const frames = decoder.push(bytes);
  decoder.finish(); // throws for a partial frame left over
  for (const frame of frames) expect(frame.compressed).toBe(false);
  return frames.map((frame) => serializer.deserialize(frame.payload));
}

/** A reply as the receiver sees it (every field present). */
function received(index: number, message = `m${index}`): Record<string, unknown> {
  return { message, index, payload: Buffer.alloc(0), id: "0" };
}

describe.each(SERIALIZERS)("FrameBatch with a %s serializer", (_name, serializer) => {
  it("takes every message added as one frame each, in order, in one buffer", () => {
    const batch = new FrameBatch(serializer, 1024);
    let bytes = 0;
    for (let i = 0; i < 5; i++) bytes += 5 + batch.add({ message: `m${i}`, index: i });
    expect(batch.messageCount).toBe(5);
    expect(batch.byteLength).toBe(bytes);
    const taken = batch.take();
    expect(taken?.length).toBe(bytes);
    expect(decodeAll(serializer, taken)).toStrictEqual([0, 1, 2, 3, 4].map((i) => received(i)));
  });

  it("is empty after take(), which answers undefined when nothing was added", () => {
    const batch = new FrameBatch(serializer, 1024);
    expect(batch.take()).toBeUndefined();
    batch.add({ message: "a" });
    batch.take();
    expect(batch.messageCount).toBe(0);
    expect(batch.byteLength).toBe(0);
    expect(batch.take()).toBeUndefined();
    batch.add({ message: "b", index: 1 });
    expect(decodeAll(serializer, batch.take())).toStrictEqual([received(1, "b")]);
  });

  it("throws RESOURCE_EXHAUSTED for a message past the send limit, keeping the messages before it whole", () => {
    const batch = new FrameBatch(serializer, 64);
    batch.add({ message: "first", index: 1 });
    const error = catchGrpcError(() => batch.add({ message: "x".repeat(100) }));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.message).toMatch(/limit is 64/);
    expect(batch.messageCount).toBe(1);
    batch.add({ message: "after", index: 3 });
    expect(decodeAll(serializer, batch.take())).toStrictEqual([received(1, "first"), received(3, "after")]);
  });

  it("throws INVALID_ARGUMENT for a value that does not fit its type and adds nothing", () => {
    const batch = new FrameBatch(serializer, 1024);
    batch.add({ message: "ok", index: 1 });
    const bytesBefore = batch.byteLength;
    expect(catchGrpcError(() => batch.add({ index: "not a number" })).code).toBe(Status.INVALID_ARGUMENT);
    expect(batch.byteLength).toBe(bytesBefore);
    expect(decodeAll(serializer, batch.take())).toStrictEqual([received(1, "ok")]);
  });

  it("keeps any sequence of messages, some past the limit, whole and in order", () => {
    const LIMIT = 40;
    const reply = fc.record({ message: fc.string({ maxLength: 60 }), index: fc.integer({ min: 0, max: 1000 }) });
    assertProperty(
      fc.property(fc.array(fc.array(reply, { maxLength: 8 }), { maxLength: 4 }), (rounds) => {
        const batch = new FrameBatch(serializer, LIMIT);
        for (const round of rounds) {
          const expected: Record<string, unknown>[] = [];
          for (const value of round) {
            const size = serializer.serialize(value).length;
            if (size > LIMIT) {
              expect(catchGrpcError(() => batch.add(value)).code).toBe(Status.RESOURCE_EXHAUSTED);
            } else {
              expect(batch.add(value)).toBe(size);
              expect(expected.push(serializer.deserialize(serializer.serialize(value)))).toBe(batch.messageCount);
            }
          }
          expect(decodeAll(serializer, batch.take())).toStrictEqual(expected);
        }
      }),
      100,
    );
  });
});

describe("FrameBatch with protobufjs's createBatch", () => {
  it("leaves the messages around a message instance that fails half-way through encoding whole", () => {
    const parentType = loadProto("test/codec/protos/defaults.proto").lookupType("h2grpc.fixture.defaults.Defaults");
    const serializer = createProtobufSerializer<unknown, Record<string, unknown>>(parentType);
    // A generated-class instance skips the checker; a getter that throws stops protobufjs in the
    // middle of a nested message, after the parent's first fields and the child's fork were written.
    const child = parentType.create({ key: "child" });
    Object.defineProperty(child, "count", { get: () => { throw new Error("getter failed"); }, enumerable: true });
    const broken = parentType.create({ key: "parent", name: "written before the failure", child });
    const batch = new FrameBatch(serializer, 1024);
    batch.add({ key: "before" });
    const error = catchGrpcError(() => batch.add(broken));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.message).toMatch(/getter failed/);
    batch.add({ key: "after", child: { key: "nested" } });
    const [before, after, ...rest] = decodeAll(serializer, batch.take());
    expect(rest).toHaveLength(0);
    expect(before).toMatchObject({ key: "before", child: null });
    expect(after).toMatchObject({ key: "after", child: { key: "nested" } });
  });
});
