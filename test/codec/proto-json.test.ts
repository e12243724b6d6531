// The proto3 JSON mapping against what grpc-go's jsonpb (and so grpcurl) writes and reads: the
// expected strings follow github.com/golang/protobuf/jsonpb encode.go and decode.go rule by rule.
import { describe, expect, it } from "vitest";
import { fromProtoJson } from "../../src/codec/proto-json-read.js";
import { toProtoJson, type ProtoJsonWriteOptions } from "../../src/codec/proto-json-write.js";
import { fixtureType, overTheWire } from "./mapping-fixture.js";

/** Reads `input` as `typeName`, sends it over the wire, and writes what arrived. */
function roundTrip(typeName: string, input: string, options: ProtoJsonWriteOptions = {}): string {
  const type = fixtureType(typeName);
  return toProtoJson(type, overTheWire(type, fromProtoJson(type, input)), options);
}

const SCALARS = "h2grpc.mapping.Scalars";
const COLLECTIONS = "h2grpc.mapping.Collections";
const WELL_KNOWN = "h2grpc.mapping.WellKnown";
const ORDER = "h2grpc.mapping.legacy.Order";

describe("toProtoJson writes what jsonpb writes", () => {
  it("writes every scalar under its JSON name, in declaration order, 64-bit integers as strings", () => {
    const input =
      '{"aDouble": 1.5, "aFloat": 1.1, "anInt32": -3, "anInt64": "-9007199254740993", "aUint32": 4294967295, "aUint64": "18446744073709551615",' +
      ' "aSint32": -7, "aSint64": "-2", "aFixed32": 7, "aFixed64": "8", "anSfixed32": -9, "anSfixed64": "-10", "aBool": true,' +
      ' "aString": "x", "someBytes": "AAH/", "mood": "GRUMPY", "otherName": "y"}';
    expect(roundTrip(SCALARS, input)).toBe(
      '{"aDouble":1.5,"aFloat":1.1,"anInt32":-3,"anInt64":"-9007199254740993","aUint32":4294967295,"aUint64":"18446744073709551615",' +
        '"aSint32":-7,"aSint64":"-2","aFixed32":7,"aFixed64":"8","anSfixed32":-9,"anSfixed64":"-10","aBool":true,' +
        '"aString":"x","someBytes":"AAH/","mood":"GRUMPY","otherName":"y"}',
    );
  });

  it("leaves out proto3 fields at their zero value, and writes them all with emitDefaults", () => {
    expect(roundTrip(SCALARS, '{"anInt32": 0, "aString": "", "mood": "MOOD_UNSPECIFIED"}')).toBe("{}");
    expect(roundTrip(SCALARS, "{}", { emitDefaults: true })).toBe(
      '{"aDouble":0,"aFloat":0,"anInt32":0,"anInt64":"0","aUint32":0,"aUint64":"0","aSint32":0,"aSint64":"0","aFixed32":0,' +
        '"aFixed64":"0","anSfixed32":0,"anSfixed64":"0","aBool":false,"aString":"","someBytes":"","mood":"MOOD_UNSPECIFIED","otherName":""}',
    );
    expect(roundTrip(COLLECTIONS, "{}", { emitDefaults: true })).toBe(
      '{"numbers":[],"words":[],"items":[],"moods":[],"byName":{},"byId":{},"byFlag":{},"byNumber":{},"single":null}',
    );
  });

  it("escapes strings as Go's encoding/json does: HTML characters, U+2028/9 and control characters", () => {
    expect(roundTrip(SCALARS, '{"aString": "é<&>\\u2028\\u2029\\n\\t\\b\\f\\u0001\\"\\\\"}')).toBe(
      '{"aString":"é\\u003c\\u0026\\u003e\\u2028\\u2029\\n\\t\\b\\f\\u0001\\"\\\\"}',
    );
  });

  it("writes floats as Go does: non-finite as strings, -0, exponents below 1e-6 and from 1e21, float32 at its shortest", () => {
    expect(roundTrip(SCALARS, '{"aDouble": "NaN", "aFloat": "-Infinity"}')).toBe('{"aDouble":"NaN","aFloat":"-Infinity"}');
    expect(roundTrip(SCALARS, '{"aDouble": "Infinity"}')).toBe('{"aDouble":"Infinity"}');
    expect(roundTrip(SCALARS, '{"aDouble": -0}')).toBe('{"aDouble":-0}');
    expect(roundTrip(SCALARS, '{"aDouble": 1e-7, "aFloat": 3.4e38}')).toBe('{"aDouble":1e-7,"aFloat":3.4e+38}');
    expect(roundTrip(SCALARS, '{"aDouble": 1e21, "aFloat": 16777217}')).toBe('{"aDouble":1e+21,"aFloat":16777216}');
    expect(roundTrip(SCALARS, '{"aDouble": 123456789.25, "aFloat": 0.1}')).toBe('{"aDouble":123456789.25,"aFloat":0.1}');
  });

  it("writes an enum number with no name as the number", () => {
    expect(roundTrip(SCALARS, '{"mood": 7}')).toBe('{"mood":7}');
  });

  it("sorts map keys as grpc-go does: strings by bytes, integers by value, false before true", () => {
    const input = '{"byName": {"b": 2, "a": 1, "9": 9, "10": 10}, "byId": {"5": "x", "-3": "y", "10": "z"}, "byFlag": {"true": {"name": "t"}, "false": {}}, "byNumber": {"10": "HAPPY", "2": 2}}';
    expect(roundTrip(COLLECTIONS, input)).toBe(
      '{"byName":{"10":10,"9":9,"a":1,"b":2},"byId":{"-3":"y","5":"x","10":"z"},"byFlag":{"false":{},"true":{"name":"t"}},"byNumber":{"2":"GRUMPY","10":"HAPPY"}}',
    );
  });

  it("writes a oneof where its first member is declared, and proto3 optional fields whenever set", () => {
    expect(roundTrip(COLLECTIONS, '{"maybe": 0, "item": {"name": "i"}, "numbers": [1]}')).toBe('{"numbers":[1],"item":{"name":"i"},"maybe":0}');
    expect(roundTrip(COLLECTIONS, '{"big": "-1"}', { emitDefaults: true })).toContain('"single":null,"big":"-1"}');
  });

  it("writes Timestamp and Duration with 0, 3, 6 or 9 fractional digits", () => {
    const input = '{"duration": "1.5s", "timestamp": "2026-01-02T15:04:05.120+01:00", "timestamps": ["1970-01-01T00:00:00.000001Z", "1969-12-31T23:59:59Z"]}';
    expect(roundTrip(WELL_KNOWN, input)).toBe('{"duration":"1.500s","timestamp":"2026-01-02T14:04:05.120Z","timestamps":["1970-01-01T00:00:00.000001Z","1969-12-31T23:59:59Z"]}');
    expect(roundTrip(WELL_KNOWN, '{"duration": "-0.000000001s"}')).toBe('{"duration":"-0.000000001s"}');
    expect(roundTrip(WELL_KNOWN, '{"duration": "1h2m"}')).toBe('{"duration":"3720s"}');
  });

  it("writes Struct, Value and ListValue as plain JSON, wrappers as their value, Empty as {} and FieldMask as a message", () => {
    const input =
      '{"struct": {"b": [1, "x", null, true, {"c": {}}], "a": 2}, "value": null, "listValue": [1.5], "empty": {}, "fieldMask": {"paths": ["a_b"]},' +
      ' "int64Value": "4", "boolValue": false, "bytesValue": "AQI=", "floatValue": 0.1}';
    expect(roundTrip(WELL_KNOWN, input)).toBe(
      '{"empty":{},"fieldMask":{"paths":["a_b"]},"struct":{"a":2,"b":[1,"x",null,true,{"c":{}}]},"value":null,"listValue":[1.5],' +
        '"floatValue":0.1,"int64Value":"4","boolValue":false,"bytesValue":"AQI="}',
    );
  });

  it("writes an Any as its message with @type first, a well-known type inside \"value\", and one it cannot resolve with its raw bytes", () => {
    const resolveAny = (url: string) => fixtureType(url.slice(url.lastIndexOf("/") + 1));
    const type = fixtureType(WELL_KNOWN);
    const write = (input: string, options: ProtoJsonWriteOptions): string => toProtoJson(type, overTheWire(type, fromProtoJson(type, input, { resolveAny })), options);
    const item = '{"any": {"@type": "type.googleapis.com/h2grpc.mapping.Collections.Item", "name": "n", "count": 2}}';
    expect(write(item, { resolveAny })).toBe('{"any":{"@type":"type.googleapis.com/h2grpc.mapping.Collections.Item","name":"n","count":2}}');
    expect(write(item, {})).toBe(
      '{"any":{"@type":"type.googleapis.com/h2grpc.mapping.Collections.Item","@error":"h2grpc.mapping.Collections.Item is not recognized; see @value for raw binary message data","@value":"CgFuEAI="}}',
    );
    const duration = '{"any": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "2s"}}';
    expect(write(duration, { resolveAny })).toBe('{"any":{"@type":"type.googleapis.com/google.protobuf.Duration","value":"2s"}}');
  });

  it("writes proto2 fields whenever present, unset ones as null with emitDefaults, groups by field name and extensions in brackets", () => {
    expect(roundTrip(ORDER, '{"id": "x", "quantity": 0, "Note": {"text": "hi"}, "packedCodes": [1, 2]}')).toBe(
      '{"id":"x","quantity":0,"packedCodes":[1,2],"note":{"text":"hi"}}',
    );
    expect(roundTrip(ORDER, '{"id": "x"}', { emitDefaults: true })).toBe(
      '{"id":"x","quantity":null,"state":null,"price":null,"packedCodes":[],"note":null,"parent":null}',
    );
    const type = fixtureType(ORDER);
    expect(toProtoJson(type, overTheWire(type, { id: "x", ".h2grpc.mapping.legacy.gift_message": "hi" }))).toBe(
      '{"id":"x","[h2grpc.mapping.legacy.gift_message]":"hi"}',
    );
  });
});

describe("fromProtoJson reads what jsonpb reads", () => {
  it("takes a field by its proto name or its JSON name, 64-bit integers and floats quoted or not", () => {
    expect(roundTrip(SCALARS, '{"an_int64": 5, "a_double": "2.5", "anInt32": "7", "renamed": "p"}')).toBe('{"aDouble":2.5,"anInt32":7,"anInt64":"5","otherName":"p"}');
    expect(roundTrip(SCALARS, '{"otherName": "q"}')).toBe('{"otherName":"q"}');
  });

  it("keeps an int64 beyond 2^53 exact", () => {
    expect(roundTrip(SCALARS, '{"anInt64": 9007199254740993, "aUint64": 18446744073709551615}')).toBe('{"anInt64":"9007199254740993","aUint64":"18446744073709551615"}');
  });

  it("reads null as unset, except for google.protobuf.Value and NullValue", () => {
    expect(roundTrip(COLLECTIONS, '{"single": null, "numbers": null}')).toBe("{}");
    expect(roundTrip(WELL_KNOWN, '{"value": null, "nullValue": null}')).toBe('{"value":null}');
  });

  it("lets the member declared last win when two members of a oneof are given", () => {
    expect(roundTrip(COLLECTIONS, '{"item": {"name": "b"}, "text": "a"}')).toBe('{"item":{"name":"b"}}');
  });

  it("sends a false key of a bool-keyed map as false (protobufjs encodes the key's text)", () => {
    expect(roundTrip(COLLECTIONS, '{"byFlag": {"false": {"count": 1}}}')).toBe('{"byFlag":{"false":{"count":1}}}');
  });

  it.each([
    [SCALARS, '{"nope": 1}', 'unknown field "nope" in h2grpc.mapping.Scalars'],
    [SCALARS, '{"mood": "NOPE"}', 'unknown value "\\"NOPE\\"" for enum h2grpc.mapping.Mood'],
    [SCALARS, '{"anInt32": 1.5}', "field an_int32: cannot unmarshal number 1.5 into Go value of type int32"],
    [SCALARS, '{"anInt32": 2147483648}', "field an_int32: cannot unmarshal number 2147483648"],
    [SCALARS, '{"aUint32": -1}', "field a_uint32: cannot unmarshal number -1"],
    [SCALARS, '{"aBool": "true"}', 'field a_bool: cannot unmarshal string "true" into Go value of type bool'],
    [SCALARS, '{"aString": 1}', "field a_string: cannot unmarshal number 1"],
    [SCALARS, '{"someBytes": "not base64"}', "field some_bytes: cannot unmarshal string"],
    [SCALARS, '{"aFloat": 1e39}', "field a_float: cannot unmarshal number 1e39 into Go value of type float32"],
    [WELL_KNOWN, '{"duration": "1x"}', 'bad Duration: time: invalid duration "1x"'],
    [WELL_KNOWN, '{"timestamp": "2026-13-01T00:00:00Z"}', "bad Timestamp"],
    [WELL_KNOWN, '{"any": {"name": "x"}}', "Any JSON doesn't have '@type'"],
    [ORDER, '{"quantity": 1}', "proto: required field h2grpc.mapping.legacy.Order.id not set"],
    [ORDER, '{"id": "x", "parent": {}}', "proto: required field h2grpc.mapping.legacy.Order.id not set"],
  ])("refuses %s %s: %s", (typeName, input, message) => {
    expect(() => fromProtoJson(fixtureType(typeName), input)).toThrow(message);
  });

  it("ignores unknown fields with allowUnknownFields", () => {
    expect(fromProtoJson(fixtureType(SCALARS), '{"nope": 1, "anInt32": 2}', { allowUnknownFields: true })).toEqual({ an_int32: 2 });
  });

  it("reads a top-level null as an empty message", () => {
    expect(fromProtoJson(fixtureType(SCALARS), "null")).toEqual({});
  });
});
