import type { ServiceDefinition as GrpcJsServiceDefinition } from "@grpc/grpc-js";
import { Bench, type BenchReply, type BenchRequestOut } from "./bench-messages.js";
import type { BenchRequest } from "./bench-messages.js";

// grpc-js's generic API, fed the same protobufjs serializers h2grpc uses, so both libraries pay
// the same message costs and no proto-loader is involved.

/** protobufjs returns Buffers in Node; wrap (never copy) anything else. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const requests = Bench.methods.unary.requestSerializer;
const replies = Bench.methods.unary.responseSerializer;

/** Serializer functions in grpc-js's shape. */
export const GRPC_JS_CODECS = {
  serializeRequest: (value: BenchRequest): Buffer => asBuffer(requests.serialize(value)),
  deserializeRequest: (bytes: Buffer): BenchRequestOut => requests.deserialize(bytes),
  serializeReply: (value: BenchReply): Buffer => asBuffer(replies.serialize(value)),
  deserializeReply: (bytes: Buffer): BenchRequestOut => replies.deserialize(bytes),
};

function method(path: string, requestStream: boolean, responseStream: boolean) {
  return {
    path,
    requestStream,
    responseStream,
    requestSerialize: GRPC_JS_CODECS.serializeRequest,
    requestDeserialize: GRPC_JS_CODECS.deserializeRequest,
    responseSerialize: GRPC_JS_CODECS.serializeReply,
    responseDeserialize: GRPC_JS_CODECS.deserializeReply,
  };
}

/** The Bench service as a grpc-js service definition. */
export const GRPC_JS_BENCH_SERVICE: GrpcJsServiceDefinition = {
  Unary: method(Bench.methods.unary.path, false, false),
  ServerStream: method(Bench.methods.serverStream.path, false, true),
  ClientStream: method(Bench.methods.clientStream.path, true, false),
  Bidi: method(Bench.methods.bidi.path, true, true),
};
