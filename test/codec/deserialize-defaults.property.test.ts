// The deserializer decodes with protobufjs's toObject({defaults: false}) and adds the defaults
// itself (sharing one empty Buffer); for every message type of the repo's protos, its output must
// equal protobufjs's own toObject(TO_OBJECT_OPTIONS) (defaults: true) of random encoded messages.
import fc from "fast-check";
import protobuf from "protobufjs";
import type { Field, Root, Type } from "protobufjs";
import { describe, expect, it } from "vitest";
import { loadProto } from "../../src/codec/load-service.js";
import { createProtobufSerializer, TO_OBJECT_OPTIONS } from "../../src/codec/protobuf-serializer.js";
import { assertProperty } from "../helpers/property.js";

/** Nested messages deeper than this are left unset. */
const MAX_DEPTH = 3;
/** Runs per message type (there are a few hundred types, the well-known and descriptor ones included). */
const RUNS_PER_TYPE = 100;

// A descriptor (JSON, reflection) may name fields what .proto cannot: the defaults are filled by
// generated code, which must quote every name. (Names protobufjs itself cannot handle, such as a
// leading digit or one of Object.prototype's, are left out: its own codecs fail on them.)
const NOT_IDENTIFIERS = {
  nested: {
    odd: {
      nested: {
        Level: { values: { ZERO: 0, ONE: 1 } },
        Odd: {
          oneofs: { "pick-one": { oneof: ["one-text", "one odd"] } },
          fields: {
            "dash-ed": { type: "string", id: 1 },
            "with space": { type: "int64", id: 2 },
            "quo\"te": { type: "bytes", id: 3 },
            "back\\slash": { type: "Level", id: 4 },
            "dot.ted": { rule: "repeated", type: "uint64", id: 5 },
            "map-of-odd": { keyType: "string", type: "Odd", id: 6 },
            "self ref": { type: "Odd", id: 7 },
            "one-text": { type: "string", id: 8 },
            "one odd": { type: "Odd", id: 9 },
            "it's": { type: "double", id: 10 },
          },
        },
      },
    },
  },
};

const ROOTS: ReadonlyArray<readonly [name: string, root: Root]> = [
  ["test/codec/protos", loadProto(["test/codec/protos/shapes.proto", "test/codec/protos/legacy.proto", "test/codec/protos/defaults.proto"], { includeDirs: ["test/codec/protos/include"] })],
  ["test/protos/echo.proto", loadProto("test/protos/echo.proto")],
  ["protos/grpc/testing", loadProto(["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"], { includeDirs: ["protos"] })],
  // One Root per tutorial file: three of them declare my_lib.StreamRequest, as the tutorial wrote them.
  ...["hello", "server_stream", "client_stream", "both_stream", "test"].map(
    (file) => [`protos/tutorial/${file}.proto`, loadProto(`protos/tutorial/${file}.proto`)] as const,
  ),
  ["protos/grpc/health/v1/health.proto", loadProto("protos/grpc/health/v1/health.proto")],
  ["protos/grpc/reflection/v1/reflection.proto", loadProto("protos/grpc/reflection/v1/reflection.proto")],
  ["test/services/protos", loadProto(["shop/v1/catalog.proto", "shop/v1/money.proto", "legacy/orders.proto", "wkt/well_known.proto"], { includeDirs: ["test/services/protos"] })],
  ["field names that are not identifiers", protobuf.Root.fromJSON(NOT_IDENTIFIERS)],
];

function allTypes(namespace: protobuf.NamespaceBase): Type[] {
  const types: Type[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) types.push(nested);
    if (nested instanceof protobuf.Namespace) types.push(...allTypes(nested));
  }
  return types;
}

const INT64 = fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(String);
const UINT64 = fc.bigInt(0n, 2n ** 64n - 1n).map(String);

/** A value for one element of `field` in a form fromObject accepts. */
function scalar(field: Field, type: string, depth: number): fc.Arbitrary<unknown> | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return fc.constantFrom(...Object.keys(resolved.values));
  if (resolved instanceof protobuf.Type) return depth >= MAX_DEPTH ? undefined : message(resolved, depth + 1);
  switch (type) {
    case "double": return fc.double();
    case "float": return fc.float();
    case "int32": case "sint32": case "sfixed32": return fc.integer();
    case "uint32": case "fixed32": return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case "int64": case "sint64": case "sfixed64": return INT64;
    case "uint64": case "fixed64": return UINT64;
    case "bool": return fc.boolean();
    case "string": return fc.string({ maxLength: 8 });
    case "bytes": return fc.uint8Array({ maxLength: 8 });
    default: throw new Error(`unexpected field type ${type}`);
  }
}

function mapKey(keyType: string): fc.Arbitrary<string> {
  switch (keyType) {
    case "string": return fc.string({ maxLength: 4 });
    case "bool": return fc.constantFrom("true", "false");
    case "int64": case "sint64": case "sfixed64": return INT64;
    case "uint64": case "fixed64": return UINT64;
    case "uint32": case "fixed32": return fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(String);
    default: return fc.integer().map(String);
  }
}

/** A field's value: one element, a short list, or a small map. */
function fieldValue(field: Field, depth: number): fc.Arbitrary<unknown> | undefined {
  field.resolve();
  const element = scalar(field, field.type, depth);
  if (element === undefined) return undefined;
  if (field instanceof protobuf.MapField) return fc.dictionary(mapKey(field.keyType), element, { maxKeys: 3 });
  if (field.repeated) return fc.array(element, { maxLength: 3 });
  return element;
}

/** A plain object for `type`: required fields always, others in a random subset, at most one member of each oneof. */
function message(type: Type, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const parts: fc.Arbitrary<Record<string, unknown>>[] = [];
  for (const field of type.fieldsArray) {
    if (field.partOf) continue;
    const value = fieldValue(field, depth);
    if (value === undefined) continue;
    const entry = value.map((v) => ({ [field.name]: v }));
    parts.push(field.required ? entry : fc.option(entry, { nil: {} }));
  }
  for (const oneof of type.oneofsArray) {
    const members = oneof.fieldsArray.flatMap((field) => {
      const value = fieldValue(field, depth);
      return value === undefined ? [] : [value.map((v) => ({ [field.name]: v }))];
    });
    parts.push(fc.oneof(fc.constant({}), ...members));
  }
  return fc.tuple(...parts).map((objects) => Object.assign({}, ...objects) as Record<string, unknown>);
}

describe("deserialize fills defaults exactly as protobufjs's toObject({defaults: true})", () => {
  for (const [name, root] of ROOTS) {
    describe(name, () => {
      for (const type of allTypes(root)) {
        it(type.fullName, () => {
          const serializer = createProtobufSerializer(type);
          assertProperty(
            fc.property(message(type, 0), fc.boolean(), (object, asBuffer) => {
              const encoded = type.encode(type.fromObject(object)).finish();
              // node:http2 hands the receiver Buffers; other callers may pass plain Uint8Arrays
              // (whose bytes fields decode as Uint8Array, not Buffer, either way).
              const bytes = asBuffer ? Buffer.from(encoded) : new Uint8Array(encoded);
              const expected = type.toObject(type.decode(bytes), TO_OBJECT_OPTIONS);
              expect(serializer.deserialize(bytes)).toStrictEqual(expected);
            }),
            RUNS_PER_TYPE,
          );
        });
      }
    });
  }

  it("decodes the next message whole after one that failed half-way (the serializer's reader is reused)", () => {
    const type = ROOTS[0]![1].lookupType("h2grpc.fixture.defaults.Defaults");
    const serializer = createProtobufSerializer<unknown, Record<string, unknown>>(type);
    const whole = Buffer.from(type.encode(type.fromObject({ key: "first", name: "a name", child: { key: "nested" } })).finish());
    expect(() => serializer.deserialize(whole.subarray(0, whole.length - 3))).toThrow();
    const next = Buffer.from(type.encode(type.fromObject({ key: "second" })).finish());
    expect(serializer.deserialize(next)).toStrictEqual(type.toObject(type.decode(next), TO_OBJECT_OPTIONS));
    expect(serializer.deserialize(whole)).toStrictEqual(type.toObject(type.decode(whole), TO_OBJECT_OPTIONS));
  });

  it("gives absent bytes fields one shared empty Buffer and proto2 defaults their own copy", () => {
    const type = ROOTS[0]![1].lookupType("h2grpc.fixture.defaults.Defaults");
    const serializer = createProtobufSerializer<unknown, Record<string, unknown>>(type);
    const first = serializer.deserialize(type.encode({ key: "a" }).finish());
    const second = serializer.deserialize(type.encode({ key: "b" }).finish());
    expect(first.plain).toStrictEqual(Buffer.alloc(0));
    expect(first.plain).toBe(second.plain);
    expect(first.magic).toStrictEqual(type.toObject(type.decode(type.encode({ key: "c" }).finish()), TO_OBJECT_OPTIONS).magic);
    expect(first.magic).not.toBe(second.magic);
    expect(first).toMatchObject({ count: "5", big: "18446744073709551615", debt: "-7", name: "unnamed", level: "MID", first: "LOW", on: true, ratio: 1.5, small: -3, child: null });
    expect(first).not.toHaveProperty("pickCount");
  });
});
