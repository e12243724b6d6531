import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { Base64StreamDecoder, encodeBase64Chunk } from "../../src/transport/base64-stream.js";
import { assertProperty } from "../helpers/property.js";

/** Decodes `text` pushed in the given chunk sizes (cycled). */
function decodeInChunks(text: string, sizes: readonly number[]): Buffer {
  const decoder = new Base64StreamDecoder();
  const out: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < text.length; i++) {
    const size = sizes.length === 0 ? text.length : Math.max(1, sizes[i % sizes.length] as number);
    out.push(decoder.push(Buffer.from(text.slice(offset, offset + size), "latin1")));
    offset += size;
  }
  decoder.finish();
  return Buffer.concat(out);
}

describe("Base64StreamDecoder (application/grpc-web-text)", () => {
  it("decodes writes that were each base64-encoded and padded on their own, however the text is split", async () => {
    await assertProperty(
      fc.property(fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 5 }), (writes, sizes) => {
        const text = writes.map((write) => encodeBase64Chunk(write).toString("latin1")).join("");
        expect(decodeInChunks(text, sizes)).toEqual(Buffer.concat(writes));
      }),
    );
  });

  it("answers characters outside base64, misplaced padding and a body ending inside a quantum with INTERNAL", () => {
    for (const text of ["AAAA*AAA", "A=AA", "AA==A", "QUFB\n"]) {
      expect(() => decodeInChunks(text, []), text).toThrow(GrpcError);
      try {
        decodeInChunks(text, []);
      } catch (error) {
        expect((error as GrpcError).code).toBe(Status.INTERNAL);
      }
    }
  });
});
