import { describe, expect, it } from "vitest";
import { encodeFrame, FRAME_HEADER_BYTES, writeFrameHeader } from "../../src/framing/frame.js";

describe("frame encoding", () => {
  it("writes the compressed flag and a 4-byte big-endian length before the payload", () => {
    expect([...encodeFrame(new Uint8Array([7, 8]))]).toEqual([0, 0, 0, 0, 2, 7, 8]);
    expect([...encodeFrame(new Uint8Array([7]), true)]).toEqual([1, 0, 0, 0, 1, 7]);
    expect(FRAME_HEADER_BYTES).toBe(5);
  });

  it("writes lengths up to 0xFFFFFFFF", () => {
    const header = new Uint8Array(6);
    writeFrameHeader(header, 1, 0xffff_ffff, false);
    expect([...header]).toEqual([0, 0, 0xff, 0xff, 0xff, 0xff]);
    writeFrameHeader(header, 0, 0x01020304, true);
    expect([...header.subarray(0, 5)]).toEqual([1, 1, 2, 3, 4]);
  });
});
