// FileDescriptorProtos built from protobufjs Roots: identical to protoc's, and enough to rebuild
// every message and service.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { loadProto } from "../../src/codec/load-service.js";
import { describeFile, encodeFileDescriptor } from "../../src/services/file-descriptors.js";
import { readProtoFiles } from "../../src/services/proto-files.js";
import { jsonNameOf, mapEntryName } from "../../src/codec/proto-names.js";
import { indexSymbols } from "../../src/services/proto-symbols.js";
import { requirePeer } from "../helpers/peers.js";
import { declarationsOf, decodeFile, decodeSet, expectSameDeclaration, rebuildRoot } from "./descriptor-helpers.js";

const FIXTURES = path.resolve("test/services/protos");
const PROTOS = path.resolve("protos");

// [include dir, file]: proto3 with imports and well-known types, proto2 with extensions, every
// bundled well-known type, the shared echo fixture and the protos h2grpc ships.
const CASES: ReadonlyArray<readonly [string, string]> = [
  [FIXTURES, "shop/v1/catalog.proto"],
  [FIXTURES, "legacy/orders.proto"],
  [FIXTURES, "wkt/well_known.proto"],
  [path.resolve("test/protos"), "echo.proto"],
  [PROTOS, "grpc/health/v1/health.proto"],
  [PROTOS, "grpc/reflection/v1/reflection.proto"],
  [PROTOS, "grpc/reflection/v1alpha/reflection.proto"],
];

function describeAll(includeDir: string, file: string) {
  const files = readProtoFiles(loadProto(file, { includeDirs: [includeDir] }));
  const symbols = indexSymbols(files);
  return files.map((protoFile) => ({ name: protoFile.name, bytes: encodeFileDescriptor(protoFile, symbols) }));
}

describe.skipIf(!requirePeer("descriptor comparisons with protoc", "protoc"))("descriptors against protoc", () => {
  it.each(CASES)("builds the same FileDescriptorProtos as protoc --include_imports for %s/%s", (includeDir, file) => {
    const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-protoc-"));
    try {
      const out = path.join(dir, "set.pb");
      execFileSync("protoc", [`-I${includeDir}`, "--include_imports", `--descriptor_set_out=${out}`, file]);
      const expected = decodeSet(readFileSync(out));
      const ours = describeAll(includeDir, file).map(({ bytes }) => decodeFile(bytes));
      expect(ours.map((f) => f.name).sort()).toEqual(expected.map((f) => f.name).sort());
      for (const descriptor of expected) expect(ours.find((f) => f.name === descriptor.name)).toEqual(descriptor);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("descriptors rebuilt with protobufjs", () => {
  it.each(CASES)("rebuild every message and service of %s/%s", (includeDir, file) => {
    const original = loadProto(file, { includeDirs: [includeDir] });
    const rebuilt = rebuildRoot(describeAll(includeDir, file).map(({ bytes }) => bytes));
    const declarations = declarationsOf(original);
    expect(declarations.length).toBeGreaterThan(0);
    for (const declaration of declarations) expectSameDeclaration(declaration, rebuilt);
  });
});

describe("roots built without .proto files", () => {
  it("are described as one file per package, importing each other, that rebuild every message and service", () => {
    const original = protobuf.Root.fromJSON(loadProto("shop/v1/catalog.proto", { includeDirs: [FIXTURES] }).toJSON());
    original.resolveAll();
    const files = readProtoFiles(original);
    expect(files.map((f) => [f.name, f.dependencies])).toEqual([
      ["h2grpc/shop/v1.proto", ["google/protobuf.proto"]],
      ["google/protobuf.proto", []],
    ]);
    const symbols = indexSymbols(files);
    const rebuilt = rebuildRoot(files.map((file) => encodeFileDescriptor(file, symbols)));
    for (const declaration of declarationsOf(original)) expectSameDeclaration(declaration, rebuilt);
  });

  it("include a Root protobufjs loaded from a JSON file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-json-"));
    try {
      const jsonFile = path.join(dir, "orders.json");
      writeFileSync(jsonFile, JSON.stringify(loadProto("legacy/orders.proto", { includeDirs: [FIXTURES] }).toJSON()));
      const original = protobuf.loadSync(jsonFile);
      const files = readProtoFiles(original);
      expect(files.map((f) => [f.name, f.syntax])).toEqual([["h2grpc/legacy.proto", "proto2"]]);
      const symbols = indexSymbols(files);
      const rebuilt = rebuildRoot(files.map((file) => encodeFileDescriptor(file, symbols)));
      for (const declaration of declarationsOf(original)) expectSameDeclaration(declaration, rebuilt);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("file names and dependencies", () => {
  it("names files relative to their include root and lists imports by those names", () => {
    const names = describeAll(FIXTURES, "shop/v1/catalog.proto").map(({ bytes }) => decodeFile(bytes));
    const catalog = names.find((f) => f.name === "shop/v1/catalog.proto");
    expect(catalog?.dependency).toEqual(["google/protobuf/empty.proto", "google/protobuf/timestamp.proto", "shop/v1/money.proto"]);
    expect(names.map((f) => f.name)).toEqual(expect.arrayContaining(catalog?.dependency ?? []));
  });

  it("keeps a path given relative to the working directory as the file name", () => {
    const names = describeAll(FIXTURES, "test/services/protos/legacy/orders.proto").map(({ name }) => name);
    expect(names).toEqual(["test/services/protos/legacy/orders.proto"]);
  });

  it("names an absolute top-level path by the include root that finds it", () => {
    const names = describeAll(FIXTURES, path.join(FIXTURES, "shop/v1/money.proto")).map(({ name }) => name);
    expect(names).toEqual(["shop/v1/money.proto"]);
  });

  it("marks proto3 files and leaves proto2 syntax unset, as protoc", () => {
    const [orders] = readProtoFiles(loadProto("legacy/orders.proto", { includeDirs: [FIXTURES] }));
    const [money] = readProtoFiles(loadProto("shop/v1/money.proto", { includeDirs: [FIXTURES] }));
    expect(orders && describeFile(orders, new Map()).syntax).toBeUndefined();
    expect(money && describeFile(money, new Map()).syntax).toBe("proto3");
  });
});

describe("protoc naming rules", () => {
  it.each([
    ["stock_by_store", "StockByStoreEntry", "stockByStore"],
    ["_leading", "LeadingEntry", "Leading"],
    ["double__underscore", "DoubleUnderscoreEntry", "doubleUnderscore"],
    ["digit_1st", "Digit1stEntry", "digit1st"],
    ["alreadyCamel", "AlreadyCamelEntry", "alreadyCamel"],
  ])("%s → map entry %s, json_name %s", (field, entry, json) => {
    expect(mapEntryName(field)).toBe(entry);
    expect(jsonNameOf(field)).toBe(json);
  });
});
