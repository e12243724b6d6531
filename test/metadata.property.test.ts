import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBinaryValues, encodeBinaryValue, isReservedHeader, Metadata, type OutgoingHeaderValues } from "../src/metadata.js";
import { assertProperty } from "./helpers/property.js";

// PROTOCOL-HTTP2: Header-Name → 1*( %x30-39 / %x61-7A / "_" / "-" / "." ); upper-case input is
// lower-cased first (HTTP/2 header names are lower case). ASCII-Value → %x20-%x7E.
const KEY_CHARS = new Set("0123456789abcdefghijklmnopqrstuvwxyz_-.");
const isAllowedKey = (key: string): boolean =>
  key.length > 0 && [...key.toLowerCase()].every((char) => KEY_CHARS.has(char)) && !isReservedHeader(key.toLowerCase());
const isAllowedValue = (value: string): boolean => [...value].every((char) => char >= "\x20" && char <= "\x7e");

/** Keys drawn mostly from near the allowed alphabet, so both outcomes are common. */
const keyArbitrary = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."abcxyzAZ09_-.:/ \u00e9@"), maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.constantFrom("grpc-status", "grpc-x", "te", "content-type", ":path", "host"),
);

function accepts(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

describe("Metadata properties", () => {
  it("accepts exactly the keys of the allowed alphabet that are not reserved", () => {
    assertProperty(
      fc.property(keyArbitrary, (key) => {
        const value = key.toLowerCase().endsWith("-bin") ? new Uint8Array(1) : "v"; // the value kind the key takes
        expect(accepts(() => new Metadata().append(key, value as never))).toBe(isAllowedKey(key));
      }),
    );
  });

  it("accepts exactly the values made of printable ASCII", () => {
    assertProperty(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: "binary", maxLength: 20 })), (value) => {
        expect(accepts(() => new Metadata().set("x-value", value))).toBe(isAllowedValue(value));
      }),
    );
  });

  it("carries any bytes through a -bin key: write, then read back from the wire", () => {
    assertProperty(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 4 }), (values) => {
        const sent = new Metadata();
        for (const value of values) sent.append("x-data-bin", value);
        const out: OutgoingHeaderValues = {};
        sent.writeHeaders(out);
        const received = Metadata.fromHeaders(out);
        expect(received.getAll("x-data-bin").map((value) => [...value])).toEqual(values.map((value) => [...value]));
      }),
    );
  });

  it("decodes any bytes from padded, unpadded and comma-joined base64", () => {
    assertProperty(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 3 }), fc.boolean(), (values, isPadded) => {
        const texts = values.map((value) => (isPadded ? Buffer.from(value).toString("base64") : encodeBinaryValue(value)));
        expect(decodeBinaryValues(texts.join(",")).map((value) => [...value])).toEqual(values.map((value) => [...value]));
      }),
    );
  });
});
