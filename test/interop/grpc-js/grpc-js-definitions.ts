// h2grpc service definitions in the shape grpc-js's generic API takes (grpc.Client methods and
// server.addService), with h2grpc's protobufjs serializers: no proto-loader involved.
import type { ServiceDefinition as GrpcJsServiceDefinition } from "@grpc/grpc-js";
import type { ServiceDefinition } from "../../../src/index.js";

/** The grpc-js service definition of an h2grpc ServiceDefinition, keyed by lowerCamel method name. */
export function toGrpcJsDefinition(service: ServiceDefinition): GrpcJsServiceDefinition {
  const definition: Record<string, GrpcJsServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(service.methods)) {
    definition[name] = {
      path: method.path,
      requestStream: method.kind === "client_streaming" || method.kind === "bidi_streaming",
      responseStream: method.kind === "server_streaming" || method.kind === "bidi_streaming",
      requestSerialize: (value: unknown) => Buffer.from(method.requestSerializer.serialize(value)),
      requestDeserialize: (bytes: Buffer) => method.requestSerializer.deserialize(bytes),
      responseSerialize: (value: unknown) => Buffer.from(method.responseSerializer.serialize(value)),
      responseDeserialize: (bytes: Buffer) => method.responseSerializer.deserialize(bytes),
      originalName: method.name,
    };
  }
  return definition;
}
