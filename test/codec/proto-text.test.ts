// The text format against what grpcurl prints with -format text (protoreflect's dynamic
// Message.MarshalTextIndent) and reads (the text format spec).
import { describe, expect, it } from "vitest";
import { fromProtoJson } from "../../src/codec/proto-json-read.js";
import { fromProtoText } from "../../src/codec/proto-text-read.js";
import { formatGoFloatG, toProtoText } from "../../src/codec/proto-text-write.js";
import { fixtureType, overTheWire } from "./mapping-fixture.js";

const text = (typeName: string, json: string): string => {
  const type = fixtureType(typeName);
  return toProtoText(type, overTheWire(type, fromProtoJson(type, json)));
};

describe("toProtoText", () => {
  it("writes set fields by number, messages in <>, one line per value, bytes and non-ASCII as octal", () => {
    expect(text("h2grpc.mapping.Scalars", '{"renamed": "r", "anInt64": "-5", "mood": "HAPPY", "aString": "é\\n\\"", "someBytes": "AP8=", "aFloat": 0.1}')).toBe(
      ['a_float: 0.1', "an_int64: -5", 'a_string: "\\303\\251\\n\\""', 'some_bytes: "\\000\\377"', "mood: HAPPY", 'renamed: "r"'].join("\n"),
    );
  });

  it("writes repeated fields once per value and map entries as key/value messages in key order", () => {
    expect(text("h2grpc.mapping.Collections", '{"numbers": [1, 2], "items": [{"name": "i"}], "byId": {"5": "x", "-3": "y"}, "single": {}}')).toBe(
      ["numbers: 1", "numbers: 2", "items: <", '  name: "i"', ">", "by_id: <", "  key: -3", '  value: "y"', ">", "by_id: <", "  key: 5", '  value: "x"', ">", "single: <", "  ", ">"].join("\n"),
    );
  });

  it("writes a group by its type name in braces", () => {
    expect(text("h2grpc.mapping.legacy.Order", '{"id": "x", "Note": {"text": "hi"}}')).toBe(['id: "x"', "Note{", '  text: "hi"', "}"].join("\n"));
  });

  it.each([
    [0.0001, false, "0.0001"],
    [0.00001, false, "1e-05"],
    [123456, false, "123456"],
    [1234567, false, "1.234567e+06"],
    [1.5e300, false, "1.5e+300"],
    [0.1, true, "0.1"],
    [Number.NaN, false, "nan"],
    [-Infinity, false, "-inf"],
  ])("formats %s as Go's %%g does: %s", (value, isFloat32, expected) => {
    expect(formatGoFloatG(value, isFloat32)).toBe(expected);
  });
});

describe("fromProtoText", () => {
  it("reads what toProtoText writes", () => {
    const type = fixtureType("h2grpc.mapping.Collections");
    const original = fromProtoJson(type, '{"numbers": [1, 2], "byFlag": {"false": {"count": 1}, "true": {}}, "byName": {"a": 1}, "item": {"name": "x"}, "maybe": 0}');
    const written = toProtoText(type, overTheWire(type, original));
    expect(toProtoText(type, overTheWire(type, fromProtoText(type, written)))).toBe(written);
  });

  it("reads lists, {} or <>, optional colons and separators, comments, hex and octal, and adjacent strings", () => {
    const type = fixtureType("h2grpc.mapping.Scalars");
    const message = fromProtoText(type, `
      # a comment
      an_int32: 0x10, a_uint32: 010; a_double: -inf
      a_string: 'a' "b\\x41\\101"
      mood: GRUMPY
      a_bool: t
    `);
    expect(message).toEqual({ an_int32: 16, a_uint32: 8, a_double: -Infinity, a_string: "abAA", mood: 2, a_bool: true });
    const collections = fixtureType("h2grpc.mapping.Collections");
    expect(fromProtoText(collections, "numbers: [1, 2] items {name: 'a'} items <name: 'b'>")).toEqual({ numbers: [1, 2], items: [{ name: "a" }, { name: "b" }] });
  });

  it.each([
    ["nope: 1", 'unknown field "nope"'],
    ["an_int32: 4294967296", "out of range"],
    ["mood: SAD", "unknown value SAD"],
    ["a_string: 1", "expected a string"],
    ['a_string: "open', "unterminated string"],
  ])("refuses %s", (input, message) => {
    expect(() => fromProtoText(fixtureType("h2grpc.mapping.Scalars"), input)).toThrow(message);
  });
});
