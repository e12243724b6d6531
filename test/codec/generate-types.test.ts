import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateTypes, GENERATED_HEADER } from "../../src/codec/generate-types.js";
import { loadService } from "../../src/codec/load-service.js";
import { TO_OBJECT_OPTIONS } from "../../src/codec/protobuf-serializer.js";
import type { Shape__Output, ShapesDefinition } from "./protos/gen/shapes.js";

const FIXTURES = ["test/codec/protos/shapes.proto", "test/codec/protos/legacy.proto"];
const INCLUDE = { includeDirs: ["test/codec/protos/include"] };
const [shapes, legacy] = generateTypes(FIXTURES, INCLUDE).map((file) => file.text) as [string, string];

/** The members of `export interface name { ... }` in generated text: name → whether optional. */
function membersOf(text: string, name: string): Map<string, boolean> {
  const start = text.indexOf(`export interface ${name} {`);
  if (start < 0) throw new Error(`interface ${name} not generated`);
  const body = text.slice(start, text.indexOf("\n}", start));
  const members = new Map<string, boolean>();
  for (const match of body.matchAll(/^ {2}(\w+)(\?)?: /gm)) members.set(match[1] as string, match[2] === "?");
  return members;
}

function requiredMembers(text: string, name: string): string[] {
  return [...membersOf(text, name)].filter(([, optional]) => !optional).map(([member]) => member).sort();
}

describe("generateTypes", () => {
  it("assumes exactly the toObject options protobuf-serializer uses", () => {
    expect(TO_OBJECT_OPTIONS).toEqual({ longs: String, enums: String, defaults: true, oneofs: true });
  });

  it("declares as required exactly the fields protobufjs fills in when decoding an empty message", () => {
    const Shapes = loadService("test/codec/protos/shapes.proto", "h2grpc.fixture.Shapes", INCLUDE);
    const decodedShape = Shapes.methods.getShape?.responseSerializer.deserialize(new Uint8Array()) as object;
    expect(requiredMembers(shapes, "Shape__Output")).toEqual(Object.keys(decodedShape).sort());
    const Ledger = loadService("test/codec/protos/legacy.proto", "h2grpc.fixture.legacy.Ledger");
    const serializer = Ledger.methods.lookup?.responseSerializer;
    const decodedRecord = serializer?.deserialize(serializer.serialize({ id: 1 })) as object; // proto2: id is required
    expect(requiredMembers(legacy, "Record__Output")).toEqual(Object.keys(decodedRecord).sort());
  });

  it("makes every field optional on the sender's type", () => {
    const members = membersOf(shapes, "Shape");
    expect(members.size).toBe(16);
    expect([...members.values()].every((optional) => optional)).toBe(true);
  });

  it("types 64-bit integers as number | string going out and string coming in", () => {
    expect(shapes).toMatch(/^ {2}serial\?: number \| string;$/m);
    expect(shapes).toMatch(/^ {2}serial: string;$/m);
    expect(shapes).toMatch(/^ {2}ids\?: \(number \| string\)\[\];$/m);
    expect(shapes).toMatch(/^ {2}counts: \{ \[key: string\]: string \};$/m);
    expect(legacy).toMatch(/^ {2}balance: string;$/m);
  });

  it("types enums as a union of names, or numbers, for senders and receivers", () => {
    expect(shapes).toContain('export type Shape_Kind = "KIND_UNSPECIFIED" | "CIRCLE" | "POLYGON";');
    expect(shapes).toMatch(/^ {2}kind\?: Shape_Kind \| number;$/m);
    expect(shapes).toMatch(/^ {2}kind: Shape_Kind \| number;$/m);
  });

  it("#12 types a received enum as the number it arrives as when the number has no name", () => {
    const definition = loadService<ShapesDefinition>("test/codec/protos/shapes.proto", "h2grpc.fixture.Shapes", INCLUDE);
    const serializer = definition.methods.getShape.responseSerializer;
    const unnamed: Shape__Output["kind"] = 99; // typecheck fails here if the output type has names only
    const received: Shape__Output = serializer.deserialize(serializer.serialize({ kind: unnamed }));
    expect(received.kind).toBe(99);
    expect(serializer.deserialize(serializer.serialize({ kind: "CIRCLE" })).kind).toBe("CIRCLE");
  });

  it("types oneof members as optional and adds the oneof name field, also for proto3 optional", () => {
    expect(shapes).toMatch(/^ {2}extent\?: Shape_Point__Output;$/m);
    expect(shapes).toMatch(/^ {2}size\?: "radius" \| "extent";$/m);
    expect(shapes).toMatch(/^ {2}_label\?: "label";$/m);
  });

  it("types singular messages as nullable and maps as index signatures", () => {
    expect(shapes).toMatch(/^ {2}center: Shape_Point__Output \| null;$/m);
    expect(shapes).toMatch(/^ {2}center\?: Shape_Point \| null;$/m);
    expect(shapes).toMatch(/^ {2}anchors\?: \{ \[key: string\]: Shape_Point \};$/m);
    expect(legacy).toMatch(/^ {2}children: \{ \[key: string\]: Record__Output \};$/m);
  });

  it("includes imported and well-known types under their fully qualified names", () => {
    expect(shapes).toContain("export interface google_protobuf_Timestamp__Output {\n  seconds: string;\n  nanos: number;\n}");
    expect(shapes).toContain("export interface google_protobuf_Empty {}");
    expect(shapes).toContain('export type h2grpc_fixture_common_Color = "COLOR_UNSPECIFIED" | "RED" | "GREEN";');
    expect(shapes).toMatch(/^ {2}tags: h2grpc_fixture_common_Tag__Output\[\];$/m);
  });

  it("gives each method its kind from the stream keywords, keyed by its lowerCamel name", () => {
    expect(shapes).toContain('  getShape: MethodDefinition<ShapeQuery, Shape, ShapeQuery__Output, Shape__Output, "unary">;');
    expect(shapes).toContain('  listShapes: MethodDefinition<ShapeQuery, Shape, ShapeQuery__Output, Shape__Output, "server_streaming">;');
    expect(shapes).toContain(
      '  addShapes: MethodDefinition<Shape, google_protobuf_Empty, Shape__Output, google_protobuf_Empty__Output, "client_streaming">;',
    );
    expect(shapes).toContain('  sync: MethodDefinition<Shape, Shape, Shape__Output, Shape__Output, "bidi_streaming">;');
    expect(shapes).toContain("export interface ShapesDefinition extends ServiceDefinition<{");
  });

  it("carries proto comments over as TSDoc", () => {
    expect(shapes).toContain("/** A point inside the shape's plane. */\nexport interface Shape_Point {");
  });

  it('imports from "h2grpc" unless told otherwise, and only when the file has a service', () => {
    expect(shapes.split("\n")[0]).toBe(`${GENERATED_HEADER} from test/codec/protos/shapes.proto. Do not edit: regenerate it instead.`);
    expect(shapes).toContain('import type { MethodDefinition, ServiceDefinition } from "h2grpc";');
    const [local] = generateTypes(["test/protos/echo.proto"], { importFrom: "../../src/index.js" });
    expect(local?.text).toContain('import type { MethodDefinition, ServiceDefinition } from "../../src/index.js";');
    const [color] = generateTypes(["test/codec/protos/include/fixture/common/color.proto"]);
    expect(color?.text).not.toContain("import");
  });

  it("types files that declare the same names (the tutorial's my_lib files) each from its own Root, one module each", () => {
    const files = ["server_stream", "client_stream", "both_stream"].map((name) => `protos/tutorial/${name}.proto`);
    const [server, client, both] = generateTypes(files, { includeDirs: ["protos"] }).map((file) => file.text) as [string, string, string];
    expect([...membersOf(server, "StreamRequest").keys()]).toEqual(["data"]);
    expect([...membersOf(client, "StreamRequest").keys()]).toEqual(["streamData"]);
    expect([...membersOf(both, "StreamRequest").keys()]).toEqual(["question"]);
    expect(client).not.toContain("StreamResponse");
    expect(both).toContain('conversations: MethodDefinition<StreamRequest, StreamResponse, StreamRequest__Output, StreamResponse__Output, "bidi_streaming">;');
  });

  it("is deterministic", () => {
    expect(generateTypes(FIXTURES, INCLUDE).map((file) => file.text)).toEqual([shapes, legacy]);
  });
});

describe("generateTypes errors", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-gen-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeProto(relative: string, body: string): string {
    const file = path.join(dir, relative);
    rmSync(file, { force: true });
    writeFileSync(file, `syntax = "proto3";\npackage t;\n${body}\n`);
    return file;
  }

  it("rejects a message whose name the generated code needs", () => {
    const file = writeProto("clash.proto", "message ServiceDefinition { string a = 1; }");
    expect(() => generateTypes([file])).toThrow("h2grpc and t.ServiceDefinition both map to the TypeScript name ServiceDefinition");
  });

  it("rejects a message named like a TypeScript type or like a service definition", () => {
    expect(() => generateTypes([writeProto("primitive.proto", "message string {}")])).toThrow(
      "TypeScript and t.string both map to the TypeScript name string",
    );
    const clash = writeProto("definition.proto", "message EchoDefinition {}\nservice Echo { rpc Call(EchoDefinition) returns (EchoDefinition); }");
    expect(() => generateTypes([clash])).toThrow("t.EchoDefinition and t.Echo both map to the TypeScript name EchoDefinition");
  });

  it("rejects two types that map to one TypeScript name", () => {
    const file = writeProto("underscore.proto", "message A { message B {} }\nmessage A_B { A.B b = 1; }");
    expect(() => generateTypes([file])).toThrow("both map to the TypeScript name A_B");
  });

  it("rejects two inputs that would write the same file", () => {
    mkdirSync(path.join(dir, "other"), { recursive: true });
    const one = writeProto("same.proto", "message One {}");
    const two = writeProto("other/same.proto", "message Two {}");
    expect(() => generateTypes([one, two])).toThrow(`${one} and ${two} would both generate same.ts`);
  });
});
