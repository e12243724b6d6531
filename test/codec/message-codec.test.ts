import { describe, expect, it } from "vitest";
import { gzip } from "../../src/codec/compression.js";
import { loadService } from "../../src/codec/load-service.js";
import {
  decodeMessage,
  DEFAULT_MAX_SEND_MESSAGE_BYTES,
  deserializeMessage,
  encodeMessage,
  frameMessage,
  serializeMessage,
} from "../../src/codec/message-codec.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";
import type { Frame } from "../../src/framing/frame.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { catchGrpcError, rejectionOf } from "../helpers/catch-grpc-error.js";

const requests = Echo.methods.unary.requestSerializer;

function onlyFrame(bytes: Uint8Array): Frame {
  const [frame, ...rest] = new FrameDecoder().push(bytes);
  if (frame === undefined || rest.length > 0) throw new Error("expected exactly one frame");
  return frame;
}

describe("message codec", () => {
  it("frames and decodes an uncompressed message synchronously", () => {
    const framed = frameMessage(serializeMessage(requests, { message: "hi", id: "42" }), undefined, 1000);
    expect(framed).toBeInstanceOf(Uint8Array);
    const decoded = decodeMessage(requests, onlyFrame(framed as Uint8Array), undefined, 1000);
    expect(decoded).not.toBeInstanceOf(Promise);
    expect(decoded).toMatchObject({ message: "hi", id: "42", count: 0 });
  });

  it("frames a gzip message with the compressed flag and decodes it back", async () => {
    const payload = serializeMessage(requests, { message: "x".repeat(1000) });
    const framed = await frameMessage(payload, gzip, 1000);
    expect(framed[0]).toBe(1);
    expect(framed.length).toBeLessThan(payload.length);
    const decoded = await decodeMessage(requests, onlyFrame(framed), gzip, 2000);
    expect(decoded.message).toBe("x".repeat(1000));
  });

  it("rejects a message over the send limit with RESOURCE_EXHAUSTED, naming size and limit", () => {
    const error = catchGrpcError(() => frameMessage(new Uint8Array(11), undefined, 10));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("sent message of 11 bytes, limit is 10");
    expect(() => frameMessage(new Uint8Array(10), undefined, 10)).not.toThrow();
  });

  it("applies the send limit to the compressed size", async () => {
    const compressible = new Uint8Array(5000);
    await expect(frameMessage(compressible, gzip, 100)).resolves.toBeInstanceOf(Uint8Array);
    const random = Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24);
    const error = await rejectionOf(() => frameMessage(random, gzip, 100));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/^sent message of \d+ bytes, limit is 100$/);
  });

  it("leaves the send limit effectively unlimited by default, as grpc-go does", () => {
    expect(DEFAULT_MAX_SEND_MESSAGE_BYTES).toBe(2 ** 31 - 1);
  });

  it("rejects a compressed flag without grpc-encoding (or identity) with INTERNAL", () => {
    const error = catchGrpcError(() => decodeMessage(requests, { compressed: true, payload: new Uint8Array(3) }, undefined, 100));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe("received a compressed message but grpc-encoding is identity or absent");
  });

  it("rejects a message that inflates past the receive limit with RESOURCE_EXHAUSTED", async () => {
    const framed = await frameMessage(serializeMessage(requests, { message: "y".repeat(5000) }), gzip, 10_000);
    const error = await rejectionOf(() => decodeMessage(requests, onlyFrame(framed), gzip, 4000));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe("gzip-decompressed message is larger than the limit of 4000 bytes");
  });

  it.each([
    ["a truncated field", [0x0a, 0x05, 0x61]],
    ["an invalid wire type", [0x0f]],
    ["a varint cut off by the end", [0x10, 0xff, 0xff]],
    ["a truncated bytes field", [0x1a, 0x04, 0x01]],
  ])("rejects %s (invalid protobuf) with INTERNAL, from a Uint8Array and from a Buffer", (_name, bytes) => {
    // node:http2 hands over Buffers, which protobufjs reads with a different reader.
    for (const input of [new Uint8Array(bytes), Buffer.from(bytes)]) {
      const error = catchGrpcError(() => deserializeMessage(requests, input));
      expect(error.code).toBe(Status.INTERNAL);
      expect(error.details).toMatch(/^could not parse received message: index out of range/);
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it("decodes a string at the very end of a Buffer", () => {
    expect(deserializeMessage(requests, Buffer.from([0x0a, 0x02, 0x68, 0x69]))).toMatchObject({ message: "hi" });
  });

  it("rejects invalid protobuf in a compressed frame with INTERNAL", async () => {
    const framed = await frameMessage(new Uint8Array([0x0a, 0x05, 0x61]), gzip, 100);
    const error = await rejectionOf(() => decodeMessage(requests, onlyFrame(framed), gzip, 100));
    expect(error.code).toBe(Status.INTERNAL);
  });

  it("rejects a value that does not fit its type with INVALID_ARGUMENT naming the field", () => {
    const Shapes = loadService("test/codec/protos/shapes.proto", "h2grpc.fixture.Shapes", {
      includeDirs: ["test/codec/protos/include"],
    });
    const shapes = Shapes.methods.sync?.requestSerializer as NonNullable<typeof Shapes.methods.sync>["requestSerializer"];
    const error = catchGrpcError(() => serializeMessage(shapes, { center: 5 }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe(
      "message does not fit its type: h2grpc.fixture.Shape.center: expected message h2grpc.fixture.Shape.Point (an object), got the number 5",
    );
  });
  it("encodes a message straight into its frame, byte for byte what serialize + frame gives", () => {
    const value = { message: "hi", id: "42", payload: new Uint8Array(70_000).fill(7) };
    const direct = encodeMessage(requests, value, undefined, DEFAULT_MAX_SEND_MESSAGE_BYTES);
    const twoStep = frameMessage(serializeMessage(requests, value), undefined, DEFAULT_MAX_SEND_MESSAGE_BYTES);
    expect(Buffer.from(direct as Uint8Array).equals(Buffer.from(twoStep as Uint8Array))).toBe(true);
  });

  it("applies the send limit and the INVALID_ARGUMENT type check on the direct path too", () => {
    const tooLarge = catchGrpcError(() => encodeMessage(requests, { message: "x".repeat(100) }, undefined, 50));
    expect(tooLarge.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(tooLarge.details).toBe("sent message of 102 bytes, limit is 50");
    const Shapes = loadService("test/codec/protos/shapes.proto", "h2grpc.fixture.Shapes", {
      includeDirs: ["test/codec/protos/include"],
    });
    const shapes = Shapes.methods.sync?.requestSerializer as NonNullable<typeof Shapes.methods.sync>["requestSerializer"];
    const invalid = catchGrpcError(() => encodeMessage(shapes, { center: 5 }, undefined, 1000));
    expect(invalid.code).toBe(Status.INVALID_ARGUMENT);
    expect(invalid.details).toMatch(/^message does not fit its type: h2grpc\.fixture\.Shape\.center: /);
  });
});
