import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRpcStatus, encodeRpcStatus, type RpcStatus } from "../src/rpc-status.js";
import { assertProperty } from "./helpers/property.js";

describe("google.rpc.Status codec", () => {
  it("encodes the fields of google/rpc/status.proto and google/protobuf/any.proto", () => {
    const bytes = encodeRpcStatus({ code: 3, message: "hi", details: [{ typeUrl: "t", value: new Uint8Array([9]) }] });
    // code (1, varint) 3; message (2, bytes) "hi"; details (3, bytes) { type_url (1) "t"; value (2) [9] }
    expect([...bytes]).toEqual([0x08, 3, 0x12, 2, 0x68, 0x69, 0x1a, 6, 0x0a, 1, 0x74, 0x12, 1, 9]);
    expect([...encodeRpcStatus({ code: 0, message: "", details: [] })]).toEqual([]);
  });

  it("round-trips any status", () => {
    const statusArbitrary: fc.Arbitrary<RpcStatus> = fc.record({
      code: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      message: fc.string({ unit: "binary", maxLength: 30 }),
      details: fc.array(fc.record({ typeUrl: fc.string({ maxLength: 40 }), value: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 4 }),
    });
    assertProperty(
      fc.property(statusArbitrary, (status) => {
        const decoded = decodeRpcStatus(encodeRpcStatus(status));
        expect(decoded?.code).toBe(status.code);
        expect(decoded?.message).toBe(status.message);
        expect(decoded?.details.map((any) => ({ typeUrl: any.typeUrl, value: [...any.value] }))).toEqual(
          status.details.map((any) => ({ typeUrl: any.typeUrl, value: [...any.value] })),
        );
      }),
    );
  });

  it("skips unknown fields", () => {
    // field 4 (varint) 1, then code 5
    expect(decodeRpcStatus(new Uint8Array([0x20, 1, 0x08, 5]))).toEqual({ code: 5, message: "", details: [] });
  });

  it("returns undefined for bytes that are not a status", () => {
    expect(decodeRpcStatus(new Uint8Array([0x12, 10, 0x41]))).toBeUndefined();
    expect(decodeRpcStatus(Buffer.from([0x12, 10, 0x41]))).toBeUndefined(); // a truncated message, as a Buffer
    expect(decodeRpcStatus(new Uint8Array([0x0f]))).toBeUndefined();
  });

  it("never throws on any bytes", () => {
    assertProperty(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const decoded = decodeRpcStatus(bytes);
        expect(decoded === undefined || typeof decoded.code === "number").toBe(true);
      }),
    );
  });
});
