// Test helper: a FileDescriptorSet of .proto files as h2grpc loads them (what reflection serves),
// base64, for the page's protobuf-es registry.
import protobuf from "protobufjs";
import { loadProto } from "../../src/codec/load-service.js";
import { encodeRootFiles } from "../../src/services/file-descriptors.js";

/** google.protobuf.FileDescriptorSet { repeated FileDescriptorProto file = 1; } of `protoPath` and its imports, base64. */
export function descriptorSetBase64(protoPath: string): string {
  const writer = protobuf.Writer.create();
  for (const file of encodeRootFiles(loadProto(protoPath))) writer.uint32(10).bytes(file);
  return Buffer.from(writer.finish()).toString("base64");
}
