import { describe, expect, it } from "vitest";
import type { AnyMethodDefinition } from "../../src/definition.js";
import { GrpcError } from "../../src/grpc-error.js";
import { createJsonSerializer, jsonSerializersOf } from "../../src/codec/json-serializer.js";
import { loadProto, loadService } from "../../src/codec/load-service.js";
import { createProtobufSerializer } from "../../src/codec/protobuf-serializer.js";
import { Status } from "../../src/status.js";

// Loaded as a server loads its services: lowerCamel field names.
const ROOT = loadProto("test/codec/protos/mapping/scalars.proto");
const SCALARS = ROOT.lookupType("h2grpc.mapping.Scalars");
const WELL_KNOWN = ROOT.lookupType("h2grpc.mapping.WellKnown");
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
const json = (value: string): Uint8Array => Buffer.from(value, "utf8");

function statusOf(run: () => unknown): Status | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof GrpcError ? error.code : undefined;
  }
  return undefined;
}

describe("createJsonSerializer: proto3 JSON as a Serializer", () => {
  it("writes a handler's object as proto3 JSON: JSON names, 64-bit integers as strings, enums by name, bytes as base64, zero values left out", () => {
    const serializer = createJsonSerializer(SCALARS);
    const written = serializer.serialize({ anInt64: 42, aUint64: "18446744073709551615", mood: "GRUMPY", someBytes: new Uint8Array([0, 1, 255]), aString: "", aBool: true });
    expect(text(written)).toBe('{"anInt64":"42","aUint64":"18446744073709551615","aBool":true,"someBytes":"AAH/","mood":"GRUMPY"}');
  });

  it("reads JSON into the very object the protobuf serializer gives a handler (defaults filled, longs as strings, enums by name)", () => {
    const serializer = createJsonSerializer(SCALARS);
    const fromJson = serializer.deserialize(json('{"an_int64": 7, "mood": 2, "someBytes": "AAH/", "aString": "x"}'));
    const binary = createProtobufSerializer(SCALARS);
    const fromProto = binary.deserialize(binary.serialize({ anInt64: 7, mood: "GRUMPY", someBytes: new Uint8Array([0, 1, 255]), aString: "x" }));
    expect(fromJson).toEqual(fromProto);
  });

  it("reads and writes the well-known types in their JSON forms", () => {
    const serializer = createJsonSerializer(WELL_KNOWN);
    const input = '{"duration":"1.500s","struct":{"a":[1,"b",null]},"timestamp":"2024-02-29T12:00:00Z","int64Value":"5"}';
    expect(text(serializer.serialize(serializer.deserialize(json(input))))).toBe(input);
  });

  it("answers JSON that does not fit the type, and bytes that are not UTF-8, with INVALID_ARGUMENT", () => {
    const serializer = createJsonSerializer(SCALARS);
    expect(statusOf(() => serializer.deserialize(json('{"noSuchField": 1}')))).toBe(Status.INVALID_ARGUMENT);
    expect(statusOf(() => serializer.deserialize(json('{"anInt32": "x"}')))).toBe(Status.INVALID_ARGUMENT);
    expect(statusOf(() => serializer.deserialize(json("{")))).toBe(Status.INVALID_ARGUMENT);
    expect(statusOf(() => serializer.deserialize(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe(Status.INVALID_ARGUMENT);
  });

  it("is made once per message type", () => {
    expect(createJsonSerializer(SCALARS)).toBe(createJsonSerializer(SCALARS));
  });
});

describe("jsonSerializersOf", () => {
  it("gives the request and response serializers of a method loaded from .proto files", () => {
    const service = loadService("protos/tutorial/hello.proto", "HelloService");
    const serializers = jsonSerializersOf(service.methods["sayHello"] as AnyMethodDefinition);
    expect(text(serializers?.response.serialize({ reply: "Hello ada" }) ?? new Uint8Array())).toBe('{"reply":"Hello ada"}');
    expect(serializers?.request.deserialize(json('{"greeting":"ada"}'))).toEqual({ greeting: "ada" });
  });

  it("gives nothing for a hand-written definition, which has only its own serializers", () => {
    const method = { ...(loadService("protos/tutorial/hello.proto", "HelloService").methods["sayHello"] as AnyMethodDefinition) };
    expect(jsonSerializersOf(method)).toBeUndefined();
  });
});
