import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/framing/frame.js";
import { concatFrames } from "./concat-frames.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";
import { assertProperty } from "../helpers/property.js";

const frameArbitrary: fc.Arbitrary<Frame> = fc.record({
  compressed: fc.boolean(),
  payload: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 200, maxLength: 3000 })),
});

/** Cut points inside a buffer of `length` bytes: any chunking, including empty chunks and 1-byte ones. */
function chunksOf(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...cuts.map((cut) => cut % (bytes.length + 1))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe("FrameDecoder properties", () => {
  it("decodes any rechunking of encoded frames back into the same frames", () => {
    assertProperty(
      fc.property(fc.array(frameArbitrary, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, cuts) => {
        const decoder = new FrameDecoder();
        const decoded = chunksOf(concatFrames(frames), cuts).flatMap((chunk) => decoder.push(chunk));
        decoder.finish();
        expect(decoded.map((frame) => ({ compressed: frame.compressed, payload: [...frame.payload] }))).toEqual(
          frames.map((frame) => ({ compressed: frame.compressed, payload: [...frame.payload] })),
        );
      }),
    );
  });

  it("reports a stream cut anywhere inside a frame as INTERNAL at finish", () => {
    assertProperty(
      fc.property(fc.array(frameArbitrary, { minLength: 1, maxLength: 5 }), fc.nat(), (frames, cut) => {
        const encoded = concatFrames(frames);
        const boundaries = new Set<number>();
        let offset = 0;
        for (const frame of frames) boundaries.add((offset += 5 + frame.payload.length));
        const end = cut % encoded.length;
        fc.pre(end > 0 && !boundaries.has(end));
        const decoder = new FrameDecoder();
        decoder.push(encoded.subarray(0, end));
        expect(() => decoder.finish()).toThrow(/stream ended inside a message/);
      }),
    );
  });
});
