// #12: a message that does not fit its type is refused with the field path, the expected type and
// what was found, instead of being converted by protobufjs fromObject ({a: 1} → "[object Object]",
// "abc" → 0, 2 ** 40 → 0 for an int32, an unknown enum name → 0); every form the generated input
// types promise still passes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import protobuf from "protobufjs";
import { afterAll, describe, expect, it } from "vitest";
import { loadProto } from "../../src/codec/load-service.js";
import { checkMessage, InvalidMessageError } from "../../src/codec/message-check.js";
import { createProtobufSerializer } from "../../src/codec/protobuf-serializer.js";

const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-message-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  path.join(dir, "checked.proto"),
  `syntax = "proto3";
package demo.v1;
enum Mood { MOOD_UNSPECIFIED = 0; HAPPY = 1; SAD = 2; }
message Point { double x = 1; double y = 2; }
message Request {
  string name = 1;
  int32 times = 2;
  int64 big = 3;
  Mood mood = 4;
  uint32 small = 5;
  uint64 huge = 6;
  bool flag = 7;
  bytes data = 8;
  Point at = 9;
  repeated Point path = 10;
  map<int32, Point> by_id = 11;
  map<string, int64> counts = 12;
  oneof size { double radius = 13; Point extent = 14; }
  repeated int32 ints = 15;
}
`,
);
writeFileSync(path.join(dir, "closed.proto"), 'syntax = "proto2";\npackage demo.v1;\nenum Level { LOW = 1; HIGH = 2; }\nmessage Legacy { optional Level level = 1; }\n');
const root = loadProto([path.join(dir, "checked.proto"), path.join(dir, "closed.proto")]);
const Request = root.lookupType("demo.v1.Request");

function problemOf(value: unknown, type: protobuf.Type = Request): string | undefined {
  try {
    checkMessage(type, value);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return (error as Error).message;
  }
}

describe("checkMessage", () => {
  it.each([
    ["demo.v1.Request.name: expected string, got an object", { name: { a: 1 } }],
    ["demo.v1.Request.name: expected string, got the number 5", { name: 5 }],
    ["demo.v1.Request.times: expected int32 (an integer from -2147483648 to 2147483647), got a string", { times: "abc" }],
    ["demo.v1.Request.times: expected int32 (an integer from -2147483648 to 2147483647), got the number 1099511627776", { times: 2 ** 40 }],
    ["demo.v1.Request.times: expected int32 (an integer from -2147483648 to 2147483647), got the number 1.5", { times: 1.5 }],
    ["demo.v1.Request.big: expected int64 (an integer number or decimal string from -9223372036854775808 to 9223372036854775807), got a string", { big: "notanumber" }],
    ["demo.v1.Request.big: expected int64 (an integer number or decimal string from -9223372036854775808 to 9223372036854775807), got a string", { big: "9223372036854775808" }],
    ["demo.v1.Request.big: expected int64 (an integer number or decimal string from -9223372036854775808 to 9223372036854775807), got a bigint", { big: 10n }],
    ["demo.v1.Request.huge: expected uint64 (an integer number or decimal string from 0 to 18446744073709551615), got the number -1", { huge: -1 }],
    ["demo.v1.Request.small: expected uint32 (an integer from 0 to 4294967295), got the number -1", { small: -1 }],
    ['demo.v1.Request.mood: expected enum demo.v1.Mood ("MOOD_UNSPECIFIED", "HAPPY", "SAD", or an int32), got "ANGRY"', { mood: "ANGRY" }],
    ['demo.v1.Request.mood: expected enum demo.v1.Mood ("MOOD_UNSPECIFIED", "HAPPY", "SAD", or an int32), got the number 2147483648', { mood: 2 ** 31 }],
    ["demo.v1.Request.flag: expected boolean, got a string", { flag: "false" }],
    ["demo.v1.Request.data: expected bytes (a Uint8Array), got a string", { data: "aGVsbG8=" }],
    ["demo.v1.Request.data: expected bytes (a Uint8Array), got an array", { data: [1, 2] }],
    ["demo.v1.Request.at: expected message demo.v1.Point (an object), got the number 5", { at: 5 }],
    ["demo.v1.Request.at.x: expected number (double), got a string", { at: { x: "1" } }],
    ["demo.v1.Request.path: expected an array, got an object", { path: { x: 1 } }],
    ["demo.v1.Request.path[1].y: expected number (double), got a boolean", { path: [{ x: 1 }, { y: true }] }],
    ["demo.v1.Request.path[0]: expected an element, got null", { path: [null] }],
    ['demo.v1.Request.byId["abc"]: expected a key of type int32, got a string', { byId: { abc: { x: 1 } } }],
    ['demo.v1.Request.byId["7"].x: expected number (double), got a string', { byId: { "7": { x: "no" } } }],
    ['demo.v1.Request.counts["a"]: expected int64 (an integer number or decimal string from -9223372036854775808 to 9223372036854775807), got the number 1.5', { counts: { a: 1.5 } }],
    ["demo.v1.Request: oneof size may hold one field, but radius and extent are set", { radius: 1, extent: { x: 1 } }],
    ["demo.v1.Request.ints[1]: expected int32 (an integer from -2147483648 to 2147483647), got a string", { ints: [1, "2"] }],
    ["demo.v1.Request: expected message demo.v1.Request (an object), got null", null],
    ["demo.v1.Request: expected message demo.v1.Request (an object), got a promise", Promise.resolve({})],
    ["demo.v1.Request: expected message demo.v1.Request (an object), got an async iterable", (async function* () {})()],
    ["demo.v1.Request: expected message demo.v1.Request (an object), got an iterable", new Set()],
    ["demo.v1.Request: expected message demo.v1.Request (an object), got a string", "name"],
  ])("refuses with %s", (message, value) => {
    expect(problemOf(value)).toBe(message);
  });

  it.each([
    [{}],
    [{ name: null, at: undefined, path: null }], // null and undefined mean unset
    [{ name: "ada", times: -5, small: 4294967295, flag: false, data: Buffer.from("x"), mood: "SAD" }],
    [{ big: 42 }, { big: "-9223372036854775808" }, { big: 2 ** 60 }, { big: { low: 123, high: 0, unsigned: false } }, { huge: "18446744073709551615" }],
    [{ mood: 2 }, { mood: 99 }], // open enum: any int32
    [{ at: { x: 1 }, path: [{ x: 1 }, { y: 2 }], byId: { "-3": { x: 1 } }, counts: { a: "7", b: 8 } }],
    [{ extent: { x: 1 }, radius: null }],
    [{ unknownKey: { anything: true }, size: "radius" }], // extra keys (and received oneof names) are ignored, as fromObject does
    [Request.fromObject({ name: "already a message" })],
  ])("accepts %j", (...values) => {
    for (const value of values) expect(problemOf(value)).toBeUndefined();
  });

  it("accepts a closed (proto2) enum's defined numbers only", () => {
    const Legacy = root.lookupType("demo.v1.Legacy");
    expect(problemOf({ level: 2 }, Legacy)).toBeUndefined();
    expect(problemOf({ level: "HIGH" }, Legacy)).toBeUndefined();
    expect(problemOf({ level: 3 }, Legacy)).toBe('demo.v1.Legacy.level: expected enum demo.v1.Level ("LOW", "HIGH", or one of their numbers), got the number 3');
  });

  it("makes serialize throw it before protobufjs converts anything", () => {
    const serializer = createProtobufSerializer(Request);
    expect(() => serializer.serialize({ name: { a: 1 } })).toThrow(InvalidMessageError);
    expect(serializer.deserialize(serializer.serialize({ name: "ada", big: "12", mood: "HAPPY" }))).toMatchObject({ name: "ada", big: "12", mood: "HAPPY" });
  });
});
