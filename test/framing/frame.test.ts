import { describe, expect, it } from "vitest";
import {
  encodeFrame,
  encodeFrameChunks,
  encodeFrames,
  FRAME_HEADER_BYTES,
  MAX_FRAME_PAYLOAD_BYTES,
  writeFrameHeader,
} from "../../src/framing/frame.js";

describe("frame encoding", () => {
  it("writes the compressed flag and a 4-byte big-endian length before the payload", () => {
    expect([...encodeFrame(new Uint8Array([7, 8]))]).toEqual([0, 0, 0, 0, 2, 7, 8]);
    expect([...encodeFrame(new Uint8Array([7]), true)]).toEqual([1, 0, 0, 0, 1, 7]);
    expect(FRAME_HEADER_BYTES).toBe(5);
  });

  it("writes lengths up to 0xFFFFFFFF", () => {
    const header = new Uint8Array(6);
    writeFrameHeader(header, 1, MAX_FRAME_PAYLOAD_BYTES, false);
    expect([...header]).toEqual([0, 0, 0xff, 0xff, 0xff, 0xff]);
    writeFrameHeader(header, 0, 0x01020304, true);
    expect([...header.subarray(0, 5)]).toEqual([1, 1, 2, 3, 4]);
  });

  it("hands a small payload over as one buffer and a large one as header plus the payload itself", () => {
    const small = encodeFrameChunks(new Uint8Array(100));
    expect(small.map((chunk) => chunk.length)).toEqual([105]);
    const largePayload = new Uint8Array(64 * 1024);
    const large = encodeFrameChunks(largePayload, true);
    expect(large).toHaveLength(2);
    expect([...(large[0] as Uint8Array)]).toEqual([1, 0, 1, 0, 0]);
    expect(large[1]).toBe(largePayload);
  });

  it("encodes many frames into one buffer equal to their concatenation", () => {
    const frames = [
      { compressed: false, payload: new Uint8Array([1, 2]) },
      { compressed: true, payload: new Uint8Array(0) },
    ];
    const joined = encodeFrames(frames);
    expect([...joined]).toEqual([...encodeFrame(new Uint8Array([1, 2])), ...encodeFrame(new Uint8Array(0), true)]);
    expect(encodeFrames([]).length).toBe(0);
  });
});
