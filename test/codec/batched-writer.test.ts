// BatchedWriter: the messages of a stream that are ready in one turn of the event loop, written as
// one buffer at the end of the turn (or at 16 KiB), with the stream's backpressure passed on; a
// batch of a call that ended is dropped unwritten and never reported sent.
import { describe, expect, it } from "vitest";
import { BATCH_BYTES, BatchedWriter, type BatchTarget } from "../../src/codec/batched-writer.js";
import { loadProto } from "../../src/codec/load-service.js";
import { createProtobufSerializer } from "../../src/codec/protobuf-serializer.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";
import { encodeFrame } from "../../src/framing/frame.js";
import { Status } from "../../src/status.js";
import { catchGrpcError } from "../helpers/catch-grpc-error.js";

const replyType = loadProto("test/protos/echo.proto").lookupType("h2grpc.test.EchoReply");
const replies = createProtobufSerializer<unknown, { index: number; message: string }>(replyType);

interface Write {
  readonly indexes: number[];
  readonly compressed: boolean[];
  readonly messages: number;
  readonly sizes: readonly number[] | undefined;
}

/** A target that records every write (decoded) and answers with `isFull` (false: the stream took it). */
function recordingTarget(): BatchTarget & { writes: Write[]; errors: unknown[]; isWritable: boolean; isFull: boolean } {
  return {
    writes: [],
    errors: [],
    isWritable: true,
    isFull: false,
    writeBatch(frames, messages, sizes) {
      const decoded = new FrameDecoder().push(frames);
      this.writes.push({
        indexes: decoded.map((frame) => replies.deserialize(frame.payload).index),
        compressed: decoded.map((frame) => frame.compressed),
        messages,
        sizes: sizes === undefined ? undefined : [...sizes],
      });
      return !this.isFull;
    },
    onBatchError(error) {
      this.errors.push(error);
    },
  };
}

/** Resolves after the current turn's process.nextTick callbacks (the end-of-turn flush) ran. */
function turnEnd(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("BatchedWriter", () => {
  it("writes the messages added in one turn once, as one buffer in order, when the turn ends", async () => {
    const target = recordingTarget();
    const writer = new BatchedWriter(target, replies, 1024, false);
    for (let i = 0; i < 5; i++) expect(writer.add({ index: i })).toBe(true);
    expect(target.writes).toEqual([]);
    expect(writer.messageCount).toBe(5);
    await turnEnd();
    expect(target.writes).toEqual([{ indexes: [0, 1, 2, 3, 4], compressed: [false, false, false, false, false], messages: 5, sizes: undefined }]);
    expect(writer.messageCount).toBe(0);
  });

  it("hands the target each message's payload length when observed, only when the batch is written", async () => {
    const target = recordingTarget();
    const writer = new BatchedWriter(target, replies, 1024, true);
    writer.add({ index: 1 });
    writer.add({ index: 1, message: "abc" });
    await turnEnd();
    const sizes = [replies.serialize({ index: 1 }).length, replies.serialize({ index: 1, message: "abc" }).length];
    expect(target.writes.map((write) => write.sizes)).toEqual([sizes]);
  });

  it("writes at once when the batch reaches 16 KiB, and the rest when the turn ends", async () => {
    const target = recordingTarget();
    const writer = new BatchedWriter(target, replies, 1024 * 1024, false);
    const message = "x".repeat(1000);
    let added = 0;
    while (target.writes.length === 0) writer.add({ index: added++, message });
    expect(added).toBe(Math.ceil(BATCH_BYTES / (1000 + 3 + 5)));
    writer.add({ index: added++, message });
    await turnEnd();
    expect(target.writes.map((write) => write.messages)).toEqual([added - 1, 1]);
    expect(target.writes.flatMap((write) => write.indexes)).toEqual(Array.from({ length: added }, (_, i) => i));
  });

  it("answers false from the write the stream refused until onDrained(), then true again", async () => {
    const target = recordingTarget();
    const writer = new BatchedWriter(target, replies, 1024, false);
    target.isFull = true;
    writer.add({ index: 0 });
    expect(writer.flush()).toBe(false);
    expect(writer.isStreamFull).toBe(true);
    expect(writer.add({ index: 1 })).toBe(false);
    target.isFull = false;
    writer.onDrained();
    expect(writer.add({ index: 2 })).toBe(true);
    await turnEnd();
    expect(target.writes.map((write) => write.indexes)).toEqual([[0], [1, 2]]);
  });

  it("drops a batch unwritten and unreported once the call has ended", async () => {
    const target = recordingTarget();
    const writer = new BatchedWriter(target, replies, 1024, true);
    writer.add({ index: 0 });
    writer.add({ index: 1 });
    target.isWritable = false;
    await turnEnd();
    expect(target.writes).toEqual([]);
    expect(writer.messageCount).toBe(0);
    target.isWritable = true;
    writer.add({ index: 2 });
    await turnEnd();
    // The dropped messages' sizes went with them.
    expect(target.writes).toEqual([{ indexes: [2], compressed: [false], messages: 1, sizes: [replies.serialize({ index: 2 }).length] }]);
  });

  it("writes a frame made outside the batch after the batched messages, keeping the order", () => {
    const target = recordingTarget();
    const writer = new BatchedWriter(target, replies, 1024, true);
    writer.add({ index: 0 });
    const payload = replies.serialize({ index: 1 });
    const compressed = encodeFrame(payload, true);
    expect(writer.writeOne(compressed, payload.length)).toBe(true);
    expect(target.writes).toEqual([
      { indexes: [0], compressed: [false], messages: 1, sizes: [replies.serialize({ index: 0 }).length] },
      { indexes: [1], compressed: [true], messages: 1, sizes: [payload.length] },
    ]);
    target.isFull = true;
    expect(writer.writeOne(compressed, payload.length)).toBe(false);
    expect(writer.add({ index: 3 })).toBe(false);
  });

  it("throws for a message it cannot send, adding nothing, and keeps the ones before it", async () => {
    const target = recordingTarget();
    const writer = new BatchedWriter(target, replies, 64, false);
    writer.add({ index: 0 });
    expect(catchGrpcError(() => writer.add({ index: 1, message: "x".repeat(100) })).code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(writer.messageCount).toBe(1);
    await turnEnd();
    expect(target.writes.map((write) => write.indexes)).toEqual([[0]]);
  });

  it("hands a write that throws at the end of the turn to the target instead of the process", async () => {
    const failure = new Error("the stream refused");
    const target = recordingTarget();
    target.writeBatch = () => {
      throw failure;
    };
    const writer = new BatchedWriter(target, replies, 1024, false);
    writer.add({ index: 0 });
    await turnEnd();
    expect(target.errors).toEqual([failure]);
  });
});
