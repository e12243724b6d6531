import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGrpcMessage, encodeGrpcMessage } from "../../src/transport/percent-encoding.js";
import { assertProperty } from "../helpers/property.js";

/** What node:http2 hands over for a header whose bytes are `text`'s UTF-8: one char per byte (latin1). */
const asReceived = (text: string): string => Buffer.from(text, "utf8").toString("latin1");

describe("grpc-message percent-encoding", () => {
  it.each([
    ["", ""],
    ["plain ASCII stays as it is: ~!@#$^&*()", "plain ASCII stays as it is: ~!@#$^&*()"],
    ["100%", "100%25"],
    ["a\nb\tc", "a%0Ab%09c"],
    ["\x7f", "%7F"],
    ["\u00e9", "%C3%A9"],
    ["\u{1f600}", "%F0%9F%98%80"], // grpc-go TestEncodeGrpcMessage
    ["\u00ff\u0100", "%C3%BF%C4%80"],
  ])("encodes %j as %j (upper-case hex, every byte outside 0x20-0x7E and %)", (text, encoded) => {
    expect(encodeGrpcMessage(text)).toBe(encoded);
    expect(decodeGrpcMessage(encoded)).toBe(text);
  });

  it.each([
    ["%", "%"],
    ["%4", "%4"],
    ["%G0 done", "%G0 done"],
    ["50% off", "50% off"],
    ["%%41", "%A"],
    ["%c3%a9", "\u00e9"], // lower-case hex is accepted on receipt
    ["%FF", "%FF"], // not UTF-8 once decoded: the raw header is kept, as the spec allows
    ["%C3", "%C3"],
  ])("decodes %j as %j without throwing, keeping invalid sequences as they came", (header, text) => {
    expect(decodeGrpcMessage(header)).toBe(text);
  });

  it("decodes raw UTF-8 bytes that a peer sent unencoded, with or without escapes", () => {
    expect(decodeGrpcMessage(asReceived("caf\u00e9 100%25"))).toBe("caf\u00e9 100%");
    expect(decodeGrpcMessage(asReceived("caf\u00e9 \u{1f600}"))).toBe("caf\u00e9 \u{1f600}");
    expect(decodeGrpcMessage("\u00ff\u00fe")).toBe("\u00ff\u00fe"); // not UTF-8: kept as it came
  });

  it("round-trips any Unicode string", () => {
    assertProperty(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
        const encoded = encodeGrpcMessage(text);
        expect(encoded).toMatch(/^[\x20-\x7e]*$/);
        expect(decodeGrpcMessage(encoded)).toBe(text);
      }),
    );
  });

  it("round-trips strings made mostly of % and hex digits", () => {
    assertProperty(
      fc.property(fc.string({ unit: fc.constantFrom("%", "2", "5", "A", "f", "\u00e9", " "), maxLength: 30 }), (text) => {
        expect(decodeGrpcMessage(encodeGrpcMessage(text))).toBe(text);
      }),
    );
  });

  it("never throws on any received header, and leaves ASCII headers without % untouched", () => {
    assertProperty(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (header) => {
        const decoded = decodeGrpcMessage(header);
        expect(typeof decoded).toBe("string");
        if (/^[\x00-\x24\x26-\x7f]*$/.test(header)) expect(decoded).toBe(header);
      }),
    );
  });

  it("decodes any Unicode string a peer sent as raw UTF-8", () => {
    assertProperty(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        expect(decodeGrpcMessage(asReceived(text.replaceAll("%", "%25")))).toBe(text);
      }),
    );
  });
});
