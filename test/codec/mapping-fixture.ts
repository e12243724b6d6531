// The mapping fixtures (test/codec/protos/mapping) as a client sees them after server
// reflection: loaded, described as FileDescriptorProtos, and rebuilt into a protobufjs Root.
import type { Root, Type } from "protobufjs";
import { DescriptorIndex } from "../../src/codec/descriptor-index.js";
import { rootFromFileDescriptors } from "../../src/codec/descriptor-root.js";
import { decodeFileDescriptorProto, type FileDescriptorProto } from "../../src/codec/descriptor-types.js";
import { loadProto } from "../../src/codec/load-service.js";
import type { MessageObject } from "../../src/codec/message-fields.js";
import { encodeRootFiles } from "../../src/services/file-descriptors.js";

const PROTOS = [
  "test/codec/protos/mapping/scalars.proto",
  "test/codec/protos/mapping/legacy.proto",
  "test/codec/protos/mapping/describe.proto",
  "protos/tutorial/test.proto",
  "protos/tutorial/hello.proto",
];

let cached: { files: FileDescriptorProto[]; root: Root; index: DescriptorIndex } | undefined;

/** The fixtures' descriptors, their index and the Root built from them (once per test file). */
export function mappingFixture(): { files: FileDescriptorProto[]; root: Root; index: DescriptorIndex } {
  if (cached !== undefined) return cached;
  const files = encodeRootFiles(loadProto(PROTOS)).map(decodeFileDescriptorProto);
  cached = { files, root: rootFromFileDescriptors(files), index: new DescriptorIndex(files) };
  return cached;
}

/** A message type of the fixtures by full name. */
export function fixtureType(name: string): Type {
  return mappingFixture().root.lookupType(name);
}

/** Encodes `message` and decodes it again: what a receiver holds. */
export function overTheWire(type: Type, message: MessageObject): MessageObject {
  return type.decode(type.encode(message).finish()) as unknown as MessageObject;
}
