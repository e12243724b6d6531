// FileDescriptorProtos (as reflection sends them) → a protobufjs Root that reads and writes the
// same bytes as one loaded from the .proto files, including the parts protobufjs's own
// ext/descriptor converter loses: map fields, proto3 optional, groups.
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { rootFromFileDescriptors } from "../../src/codec/descriptor-root.js";
import { loadProto } from "../../src/codec/load-service.js";
import { fixtureType, mappingFixture } from "./mapping-fixture.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("rootFromFileDescriptors", () => {
  it("turns map entries into map fields and keeps oneofs, proto3 optional and field names as written", () => {
    const type = fixtureType("h2grpc.mapping.Collections");
    expect(type.fields["by_id"]).toBeInstanceOf(protobuf.MapField);
    expect((type.fields["by_id"] as unknown as protobuf.MapField).keyType).toBe("int64");
    expect(type.lookup("ByIdEntry")).toBeNull();
    expect(type.oneofs["choice"]?.fieldsArray.map((field) => field.name)).toEqual(["text", "item", "big"]);
    expect(type.fields["maybe"]?.options?.["proto3_optional"]).toBe(true);
    expect(type.fields["maybe"]?.hasPresence).toBeTruthy();
    expect(type.fields["maybe_text"]?.options?.["json_name"]).toBe("maybeText");
  });

  it("writes the same bytes as the Root loaded from the .proto files: packed repeated fields, maps, groups", () => {
    const source = loadProto(["test/codec/protos/mapping/scalars.proto", "test/codec/protos/mapping/legacy.proto"]);
    const collections = { numbers: [1, 300], byName: { a: 1 }, items: [{ name: "i" }], maybe: 0 };
    const fromFiles = source.lookupType("h2grpc.mapping.Collections");
    const fromDescriptors = fixtureType("h2grpc.mapping.Collections");
    expect(hex(fromDescriptors.encode({ numbers: [1, 300], by_name: { a: 1 }, items: [{ name: "i" }], maybe: 0 }).finish())).toBe(
      hex(fromFiles.encode(fromFiles.fromObject(collections)).finish()),
    );
    const order = fixtureType("h2grpc.mapping.legacy.Order");
    // Field 5 packed (tag 0x2a, length 2), the group as a start-group tag (0x33) … end-group (0x34).
    expect(hex(order.encode({ id: "x", packed_codes: [1, 2], note: { text: "hi" } }).finish())).toBe("0a0178" + "2a020102" + "333a02686934");
    expect(order.decode(Buffer.from("0a0178333a02686934", "hex")).toJSON()).toEqual({ id: "x", note: { text: "hi" } });
  });

  it("reads a file once when it is given twice, and names what is missing when a dependency is absent", () => {
    const { files } = mappingFixture();
    expect(() => rootFromFileDescriptors([...files, ...files])).not.toThrow();
    const scalars = files.find((file) => file.name?.endsWith("scalars.proto"));
    expect(() => rootFromFileDescriptors([scalars as (typeof files)[number]])).toThrow(/google\.protobuf\.\w+/);
  });
});
