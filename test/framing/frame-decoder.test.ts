import { describe, expect, it } from "vitest";
import { encodeFrame, type Frame } from "../../src/framing/frame.js";
import { concatFrames } from "./concat-frames.js";
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, FrameDecoder } from "../../src/framing/frame-decoder.js";
import { Status } from "../../src/status.js";
import { catchGrpcError } from "../helpers/catch-grpc-error.js";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
/** Frames with plain-array payloads, so views of a Buffer compare equal to Uint8Arrays. */
const plain = (frames: readonly Frame[]): { compressed: boolean; payload: number[] }[] =>
  frames.map((frame) => ({ compressed: frame.compressed, payload: [...frame.payload] }));

describe("FrameDecoder", () => {
  it("decodes a header split one byte at a time", () => {
    const encoded = encodeFrame(bytes(1, 2, 3));
    const decoder = new FrameDecoder();
    const frames = [...encoded].flatMap((byte) => decoder.push(bytes(byte)));
    expect(frames).toEqual([{ compressed: false, payload: bytes(1, 2, 3) }]);
    expect(() => decoder.finish()).not.toThrow();
  });

  it("decodes an empty payload", () => {
    const decoder = new FrameDecoder();
    expect(plain(decoder.push(encodeFrame(new Uint8Array(0))))).toEqual([{ compressed: false, payload: [] }]);
    expect(() => decoder.finish()).not.toThrow();
  });

  it("decodes many frames from one chunk, keeping each compressed flag", () => {
    const chunk = concatFrames([
      { compressed: false, payload: bytes(1) },
      { compressed: true, payload: bytes(2, 2) },
      { compressed: false, payload: new Uint8Array(0) },
    ]);
    expect(plain(new FrameDecoder().push(chunk))).toEqual([
      { compressed: false, payload: [1] },
      { compressed: true, payload: [2, 2] },
      { compressed: false, payload: [] },
    ]);
  });

  it("returns a payload that lies inside one chunk as a view of it, without copying", () => {
    const chunk = encodeFrame(bytes(9, 8, 7));
    const [frame] = new FrameDecoder().push(chunk);
    expect(frame?.payload.buffer).toBe(chunk.buffer);
  });

  it("reassembles a payload split across chunks, and finish() throws while inside the frame", () => {
    const encoded = encodeFrame(bytes(1, 2, 3, 4, 5, 6));
    const decoder = new FrameDecoder();
    expect(decoder.push(encoded.subarray(0, 7))).toEqual([]);
    expect(() => decoder.finish()).toThrow(/stream ended inside a message/);
    const again = new FrameDecoder();
    again.push(encoded.subarray(0, 7));
    expect(again.push(encoded.subarray(7))).toEqual([{ compressed: false, payload: bytes(1, 2, 3, 4, 5, 6) }]);
    expect(() => again.finish()).not.toThrow();
  });

  it("accepts a message of exactly maxReceiveMessageBytes", () => {
    const [frame] = new FrameDecoder(4).push(encodeFrame(new Uint8Array(4)));
    expect(frame?.payload.length).toBe(4);
  });

  it("rejects a frame over maxReceiveMessageBytes with RESOURCE_EXHAUSTED before buffering it", () => {
    const decoder = new FrameDecoder(4);
    const header = encodeFrame(new Uint8Array(5)).subarray(0, 5);
    const error = catchGrpcError(() => decoder.push(header));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("received message of 5 bytes, limit is 4");
  });

  it("defaults maxReceiveMessageBytes to 4 MiB, like grpc-go and grpc-js", () => {
    expect(DEFAULT_MAX_RECEIVE_MESSAGE_BYTES).toBe(4 * 1024 * 1024);
    const header = bytes(0, 0, 0x40, 0, 1); // 4 MiB + 1
    const error = catchGrpcError(() => new FrameDecoder().push(header));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("received message of 4194305 bytes, limit is 4194304");
  });

  it("reads the length as unsigned 32-bit big-endian (0xFFFFFFFF is not negative)", () => {
    const error = catchGrpcError(() => new FrameDecoder().push(bytes(0, 0xff, 0xff, 0xff, 0xff)));
    expect(error.details).toBe("received message of 4294967295 bytes, limit is 4194304");
  });

  it("rejects a header split over chunks that announces too much, before the payload arrives", () => {
    const decoder = new FrameDecoder(10);
    expect(decoder.push(bytes(0, 0))).toEqual([]);
    const error = catchGrpcError(() => decoder.push(bytes(0, 0, 11)));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("received message of 11 bytes, limit is 10");
  });

  it.each([2, 0x80, 0xff])("rejects compressed flag %i with INTERNAL", (flag) => {
    const error = catchGrpcError(() => new FrameDecoder().push(bytes(flag, 0, 0, 0, 0)));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe(`received message with invalid compressed flag ${flag}, expected 0 or 1`);
  });

  it("rejects an invalid flag in a header split over chunks", () => {
    const decoder = new FrameDecoder();
    decoder.push(bytes(3));
    expect(catchGrpcError(() => decoder.push(bytes(0, 0, 0, 0))).code).toBe(Status.INTERNAL);
  });

  it("rejects a stream that ends inside a payload with INTERNAL", () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame(bytes(1, 2, 3)).subarray(0, 6));
    const error = catchGrpcError(() => decoder.finish());
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe("stream ended inside a message: received 1 of 3 bytes");
  });

  it("rejects a stream that ends inside a header with INTERNAL", () => {
    const decoder = new FrameDecoder();
    decoder.push(bytes(0, 0));
    const error = catchGrpcError(() => decoder.finish());
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe("stream ended inside a message header: received 2 of 5 bytes");
  });

  it("accepts the end of an empty stream", () => {
    expect(() => new FrameDecoder().finish()).not.toThrow();
  });
});
