import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { loadProto, loadService, lowerCamel, methodKind, serviceFromRoot } from "../../src/codec/load-service.js";
import type { MethodDefinition } from "../../src/definition.js";

const INCLUDE = { includeDirs: ["test/codec/protos/include"] };
type AnyMethod = MethodDefinition<unknown, unknown>;

function method(definition: { methods: Record<string, AnyMethod> }, name: string): AnyMethod {
  const found = definition.methods[name];
  if (found === undefined) throw new Error(`no method ${name}`);
  return found;
}

/** Encodes with the method's request serializer and decodes it back. */
function roundTrip(definition: AnyMethod, value: unknown): unknown {
  return definition.requestSerializer.deserialize(definition.requestSerializer.serialize(value));
}

describe("loadService", () => {
  const Shapes = loadService("test/codec/protos/shapes.proto", "h2grpc.fixture.Shapes", INCLUDE);

  it("builds one method per RPC with its wire path, local name, kind and message types", () => {
    expect(Shapes.typeName).toBe("h2grpc.fixture.Shapes");
    expect(Object.keys(Shapes.methods)).toEqual(["getShape", "listShapes", "addShapes", "sync"]);
    expect(method(Shapes, "getShape")).toMatchObject({
      name: "GetShape",
      localName: "getShape",
      path: "/h2grpc.fixture.Shapes/GetShape",
      kind: "unary",
      requestType: "h2grpc.fixture.ShapeQuery",
      responseType: "h2grpc.fixture.Shape",
    });
    expect(method(Shapes, "addShapes").responseType).toBe("google.protobuf.Empty");
  });

  it("derives the four kinds from the stream keywords", () => {
    expect(Object.values(Shapes.methods).map((m) => m.kind)).toEqual([
      "unary",
      "server_streaming",
      "client_streaming",
      "bidi_streaming",
    ]);
    expect([methodKind(false, false), methodKind(false, true), methodKind(true, false), methodKind(true, true)]).toEqual([
      "unary",
      "server_streaming",
      "client_streaming",
      "bidi_streaming",
    ]);
  });

  it("resolves imports through include directories and the well-known types", () => {
    const sync = method(Shapes, "sync");
    const decoded = roundTrip(sync, {
      color: "RED",
      tags: [{ name: "t", color: 2 }],
      created: { seconds: 1_700_000_000, nanos: 9 },
    }) as Record<string, unknown>;
    expect(decoded.color).toBe("RED");
    expect(decoded.tags).toEqual([{ name: "t", color: "GREEN" }]);
    expect(decoded.created).toEqual({ seconds: "1700000000", nanos: 9 });
  });

  it("decodes with lowerCamel names, defaults present, 64-bit integers as strings and enums as names", () => {
    const decoded = roundTrip(method(Shapes, "sync"), {
      ids: [1, "9007199254740993", { low: 18, high: 0, unsigned: false }], // number, decimal string, Long-like
      serial: "18446744073709551615",
      kind: 1,
    }) as Record<string, unknown>;
    expect(decoded).toMatchObject({
      name: "",
      kind: "CIRCLE",
      color: "COLOR_UNSPECIFIED",
      center: null,
      vertices: [],
      anchors: {},
      ids: ["1", "9007199254740993", "18"],
      serial: "18446744073709551615",
      visible: false,
    });
    expect(decoded).not.toHaveProperty("radius");
    expect(decoded).not.toHaveProperty("size");
  });

  it("names the set field of a oneof and of a proto3 optional field", () => {
    const decoded = roundTrip(method(Shapes, "sync"), { extent: { x: 2 }, label: "" }) as Record<string, unknown>;
    expect(decoded).toMatchObject({ size: "extent", extent: { x: 2, y: 0 }, _label: "label", label: "" });
  });

  it("loads proto2 with required fields and explicit defaults", () => {
    const Ledger = loadService("test/codec/protos/legacy.proto", "h2grpc.fixture.legacy.Ledger");
    const lookup = method(Ledger, "lookup");
    expect(lookup.path).toBe("/h2grpc.fixture.legacy.Ledger/Lookup");
    expect(roundTrip(lookup, { id: 3 })).toMatchObject({ id: 3, owner: "nobody", balance: "-5", parent: null, flags: [] });
    expect(() => lookup.requestSerializer.deserialize(new Uint8Array())).toThrow("missing required 'id'");
  });

  it("loads a proto3 file given as a list of paths", () => {
    const Echo = loadService(["test/protos/echo.proto"], "h2grpc.test.Echo");
    expect(method(Echo, "bidi").path).toBe("/h2grpc.test.Echo/Bidi");
  });

  it("keeps the protobufjs root for reflection, and caches it per files and include paths", () => {
    expect(Shapes.root).toBeInstanceOf(protobuf.Root);
    expect(loadProto("test/codec/protos/shapes.proto", INCLUDE)).toBe(Shapes.root);
    expect(serviceFromRoot(Shapes.root as protobuf.Root, "h2grpc.fixture.Shapes").methods).toHaveProperty("getShape");
  });

  it("throws TypeError for a service the files do not define, or a name that is not a service", () => {
    expect(() => loadService("test/protos/echo.proto", "h2grpc.test.Nope")).toThrow(
      new TypeError('service "h2grpc.test.Nope" is not defined in the loaded .proto files'),
    );
    expect(() => loadService("test/protos/echo.proto", "h2grpc.test.EchoRequest")).toThrow(TypeError);
  });

  it("throws for a missing file and for an unresolvable import", () => {
    expect(() => loadProto("test/codec/protos/does-not-exist.proto")).toThrow(/^cannot find test\/codec\/protos\/does-not-exist.proto: tried /);
    expect(() => loadProto("test/codec/protos/shapes.proto")).toThrow(/^cannot find fixture\/common\/color.proto \(imported by test\/codec\/protos\/shapes.proto\)/);
  });

  it("loads files that declare the same names (the tutorial's my_lib files) one Root each, with distinct message types", () => {
    const include = { includeDirs: ["protos"] };
    const server = loadService("tutorial/server_stream.proto", "my_lib.StreamServer", include);
    const client = loadService("tutorial/client_stream.proto", "my_lib.StreamClient", include);
    expect(server.root).not.toBe(client.root);
    expect([...method(server, "listValue").requestSerializer.serialize({ data: "x" })]).toEqual([0x0a, 0x01, 0x78]);
    expect(method(client, "routeList").requestSerializer.deserialize(Uint8Array.of(0x0a, 0x01, 0x78))).toEqual({ streamData: "x" });
  });

  it("explains how to load files that cannot share one Root when they are loaded together", () => {
    const files = ["tutorial/server_stream.proto", "tutorial/client_stream.proto"];
    expect(() => loadProto(files, { includeDirs: ["protos"] })).toThrow(
      /^duplicate name 'StreamRequest' in Namespace \.my_lib: tutorial\/server_stream\.proto, tutorial\/client_stream\.proto .*load each with its own loadService\(\) call/,
    );
  });

  it("turns method names lowerCamel, as protobufjs and grpc-js do", () => {
    expect(lowerCamel("SayHello")).toBe("sayHello");
    expect(lowerCamel("firstRpc")).toBe("firstRpc");
    expect(lowerCamel("GetURL")).toBe("getURL");
  });
});
