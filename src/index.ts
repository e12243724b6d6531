// The public API of h2grpc. Everything a user imports comes from here.
export { Status, isStatus } from "./status.js";
export { GrpcError, type GrpcErrorOptions } from "./grpc-error.js";
export { Metadata, type MetadataValue, type MetadataValueFor } from "./metadata.js";
export { encodeRpcStatus, decodeRpcStatus, type AnyMessage, type RpcStatus } from "./rpc-status.js";
export type { MethodKind, Serializer, MethodDefinition, AnyMethodDefinition, ServiceDefinition } from "./definition.js";
export type { Interceptor } from "./interceptor.js";
export { loadService, loadProto, serviceFromRoot, type LoadProtoOptions } from "./codec/load-service.js";
export { createProtobufSerializer } from "./codec/protobuf-serializer.js";
export { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from "./framing/frame-decoder.js";
export {
  insecure,
  serverTls,
  channelTls,
  type Pem,
  type InsecureCredentials,
  type ServerTlsCredentials,
  type ChannelTlsCredentials,
  type ServerCredentials,
  type ChannelCredentials,
} from "./transport/tls.js";
export { VERSION } from "./version.js";
