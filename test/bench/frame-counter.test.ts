import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameCounter } from "../../bench/frame-counter.js";
import { assertProperty } from "../helpers/property.js";

// The raw ceiling client and server count messages with FrameCounter instead of decoding them;
// a miscount would make every ratio in the benchmark wrong.

function frame(payloadBytes: number): Uint8Array {
  const out = new Uint8Array(5 + payloadBytes);
  new DataView(out.buffer).setUint32(1, payloadBytes);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe("FrameCounter", () => {
  it("counts empty frames and frames whose length spans several header bytes", () => {
    const counter = new FrameCounter();
    expect(counter.push(concat([frame(0), frame(0), frame(256), frame(65_537)]))).toBe(4);
    const split = frame(70_000);
    expect(counter.push(split.subarray(0, 3))).toBe(0);
    expect(counter.push(split.subarray(3, 69_000))).toBe(0);
    expect(counter.push(split.subarray(69_000))).toBe(1);
  });

  it("counts each frame once however the stream is chunked", () =>
    assertProperty(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        (payloadSizes, chunkSizes) => {
          const bytes = concat(payloadSizes.map(frame));
          const counter = new FrameCounter();
          let counted = 0;
          for (let offset = 0, i = 0; offset < bytes.length; i++) {
            const size = chunkSizes[i % chunkSizes.length] as number;
            counted += counter.push(bytes.subarray(offset, offset + size));
            offset += size;
          }
          expect(counted).toBe(payloadSizes.length);
        },
      ),
      100,
    ));
});
