// `describe` as grpcurl prints it: protoreflect's protoprint with Compact, SortElements and
// ForceFullyQualifiedNames (grpcurl.go GetDescriptorText). Expected texts follow print.go.
import { describe, expect, it } from "vitest";
import { describeElement } from "../../src/codec/descriptor-text.js";
import { mappingFixture } from "./mapping-fixture.js";

/** "<name> is <what>:\n<text>", as grpcurl's describe prints a symbol. */
function described(name: string): string {
  const element = mappingFixture().index.find(name);
  if (element === undefined) throw new Error(`no ${name} in the fixtures`);
  const { fullName, what, text } = describeElement(element);
  return `${fullName} is ${what}:\n${text}`;
}

describe("describeElement", () => {
  it("prints a service with its methods sorted by name, stream markers and method options", () => {
    expect(described("h2grpc.mapping.describe.Books")).toBe(`h2grpc.mapping.describe.Books is a service:
service Books {
  rpc Add ( stream .h2grpc.mapping.describe.Ledger ) returns ( .h2grpc.mapping.describe.Ledger );
  rpc Get ( .h2grpc.mapping.describe.Ledger ) returns ( .h2grpc.mapping.describe.Ledger ) {
    option deprecated = true;
    option idempotency_level = NO_SIDE_EFFECTS;
  }
}`);
    expect(described("HelloService.LotsOfReplies")).toBe(`HelloService.LotsOfReplies is a method:
rpc LotsOfReplies ( .HelloRequest ) returns ( stream .HelloResponse );`);
  });

  it("prints a proto3 message: fields and oneofs by number, maps, proto3 optional, nested messages after the fields", () => {
    expect(described("h2grpc.mapping.Collections")).toBe(`h2grpc.mapping.Collections is a message:
message Collections {
  repeated int32 numbers = 1;
  repeated string words = 2;
  repeated .h2grpc.mapping.Collections.Item items = 3;
  repeated .h2grpc.mapping.Mood moods = 4;
  map<string, int32> by_name = 5;
  map<int64, string> by_id = 6;
  map<bool, .h2grpc.mapping.Collections.Item> by_flag = 7;
  map<uint32, .h2grpc.mapping.Mood> by_number = 8;
  .h2grpc.mapping.Collections.Item single = 9;
  oneof choice {
    string text = 10;
    .h2grpc.mapping.Collections.Item item = 11;
    int64 big = 12;
  }
  optional int32 maybe = 13;
  optional string maybe_text = 14;
  message Item {
    string name = 1;
    int32 count = 2;
  }
}`);
  });

  it("prints a proto2 message: labels, options first, short options sorted and expanded past 3 or 50 characters, then enums, ranges, extensions and reserved", () => {
    expect(described("h2grpc.mapping.describe.Ledger")).toBe(`h2grpc.mapping.describe.Ledger is a message:
message Ledger {
  option deprecated = true;
  optional int32 id = 1 [deprecated = true];
  repeated int32 codes = 2 [json_name = "theCodes", packed = true];
  optional string label = 3 [
    ctype = CORD,
    default = "x",
    deprecated = true,
    json_name = "lbl"
  ];
  optional string note = 4 [
    default = "a very long default value that passes fifty characters"
  ];
  optional .h2grpc.mapping.describe.Ledger.Kind kind = 6 [default = KIND_B];
  optional double rate = 7 [default = 2.500000];
  message Entry {
    optional string key = 1;
  }
  enum Kind {
    option allow_alias = true;
    KIND_A = 1;
    KIND_ALIAS = 1 [deprecated = true];
    KIND_B = 2;
    reserved 10 to 20, 30;
    reserved "GONE";
  }
  extensions 1000 to 1999, 5000;
  extend .h2grpc.mapping.describe.Ledger {
    optional int32 rank = 1000;
  }
  reserved 5, 8 to 10;
  reserved "old", "older";
}`);
  });

  it("prints a group inside its message, and required fields of a proto2 file", () => {
    expect(described("h2grpc.mapping.legacy.Order")).toContain(`  optional group Note = 6 {
    optional string text = 7;
  }`);
    expect(described("HelloRequest")).toBe(`HelloRequest is a message:
message HelloRequest {
  required string greeting = 1;
}`);
  });

  it("prints an open enum with its zero value first", () => {
    expect(described("h2grpc.mapping.Mood")).toBe(`h2grpc.mapping.Mood is an enum:
enum Mood {
  MOOD_UNSPECIFIED = 0;
  HAPPY = 1;
  GRUMPY = 2;
}`);
  });

  it.each([
    ["h2grpc.mapping.Scalars.renamed", 'h2grpc.mapping.Scalars.renamed is a field:\nstring renamed = 17 [json_name = "otherName"];'],
    ["h2grpc.mapping.Collections.maybe", "h2grpc.mapping.Collections.maybe is a field:\noptional int32 maybe = 13;"],
    ["h2grpc.mapping.Collections.ByIdEntry", "h2grpc.mapping.Collections.ByIdEntry is the entry type for a map field:\nmap<int64, string> by_id = 6;"],
    ["h2grpc.mapping.legacy.Order.Note", "h2grpc.mapping.legacy.Order.Note is the type of a group field:\noptional group Note = 6 {\n  optional string text = 7;\n}"],
    ["h2grpc.mapping.Collections.choice", "h2grpc.mapping.Collections.choice is a one-of:\noneof choice {\n  string text = 10;\n  .h2grpc.mapping.Collections.Item item = 11;\n  int64 big = 12;\n}"],
    ["h2grpc.mapping.Mood.HAPPY", "h2grpc.mapping.Mood.HAPPY is an enum value:\nHAPPY = 1;"],
    ["h2grpc.mapping.legacy.gift_message", "h2grpc.mapping.legacy.gift_message is an extension:\nextend .h2grpc.mapping.legacy.Order {\n  optional string gift_message = 100;\n}"],
  ])("prints %s", (name, expected) => {
    expect(described(name)).toBe(expected);
  });
});
