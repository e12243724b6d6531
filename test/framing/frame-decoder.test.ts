import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/framing/frame.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";

describe("FrameDecoder", () => {
  it("decodes a header split one byte at a time", () => {
    const bytes = encodeFrame(new Uint8Array([1, 2, 3]));
    const decoder = new FrameDecoder();
    const frames = [...bytes].flatMap((byte) => decoder.push(new Uint8Array([byte])));
    expect(frames).toEqual([{ compressed: false, payload: new Uint8Array([1, 2, 3]) }]);
    expect(() => decoder.finish()).not.toThrow();
  });

  it("rejects a frame over maxReceiveMessageBytes with RESOURCE_EXHAUSTED before buffering it", () => {
    const decoder = new FrameDecoder(4);
    const header = encodeFrame(new Uint8Array(5)).subarray(0, 5);
    const error = catchError(() => decoder.push(header));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("received message of 5 bytes, limit is 4");
  });
});

function catchError(run: () => unknown): GrpcError {
  try {
    run();
  } catch (error) {
    if (error instanceof GrpcError) return error;
    throw error;
  }
  throw new Error("expected a GrpcError");
}
