// The public API of h2grpc. Everything a user imports comes from here.
import { enableTraceLogFromEnvironment } from "./telemetry/trace-log.js";

export { Status, isStatus } from "./status.js";
export { GrpcError, type GrpcErrorOptions } from "./grpc-error.js";
export { Metadata, type MetadataValue, type MetadataValueFor } from "./metadata.js";
export { encodeRpcStatus, decodeRpcStatus, type AnyMessage, type RpcStatus } from "./rpc-status.js";
export type {
  MethodKind,
  IdempotencyLevel,
  Serializer,
  MethodDefinition,
  AnyMethodDefinition,
  ServiceDefinition,
  LooseValue,
  LooseMessage,
  LooseMethodDefinition,
  LooseServiceDefinition,
} from "./definition.js";
export type { Interceptor } from "./interceptor.js";
export { loadService, loadProto, serviceFromRoot, type LoadProtoOptions, type ProtoPath } from "./codec/load-service.js";
export { createProtobufSerializer } from "./codec/protobuf-serializer.js";
export { toProtoJson, type ProtoJsonWriteOptions } from "./codec/proto-json-write.js";
export { fromProtoJson, type ProtoJsonReadOptions } from "./codec/proto-json-read.js";
export { rootFromFileDescriptors } from "./codec/descriptor-root.js";
export {
  decodeFileDescriptorProto,
  type FileDescriptorProto,
  type DescriptorProto,
  type FieldDescriptorProto,
  type EnumDescriptorProto,
  type ServiceDescriptorProto,
  type MethodDescriptorProto,
  type NumberRange,
  type DescriptorOptions,
  type FieldType,
} from "./codec/descriptor-types.js";
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
export type { CorsOptions } from "./transport/cors.js";
export type { PlainHttpHandler, PlainHttpRequest, PlainHttpResponse } from "./transport/plain-http.js";
export { VERSION } from "./version.js";

// Server (ARCHITECTURE.md §4-§6).
export { createServer } from "./server/server.js";
export type { ServerCallContext } from "./server/call-context.js";
export type {
  UnaryHandler,
  ServerStreamingHandler,
  ClientStreamingHandler,
  BidiStreamingHandler,
  HandlerFor,
  AnyHandler,
  LooseHandler,
  LooseRequests,
  ServiceImpl,
} from "./server/service-impl.js";
export type { IncomingCall, ServerInvoke, ServerInterceptor } from "./server/server-interceptor.js";
export type { Server, ServerOptions, ServerKeepaliveOptions, ServerStats, ListenOptions, CloseOptions } from "./server/server-options.js";
export { serveCluster } from "./server/server-cluster.js";
export type { ServeClusterOptions, ServerCluster, ClusterWorkerSetup } from "./server/cluster-options.js";

// Client.
export { createClient, closeClient } from "./client/client.js";
export { createChannel } from "./client/channel/channel.js";
export type { CallOptions, WriteOptions } from "./client/call-options.js";
export { metadataCredentials, type CallCredentials, type CallCredentialsContext } from "./client/credentials/call-credentials.js";
export type {
  CallMetadata,
  RequestWriter,
  ServerStreamingCall,
  ClientStreamingCall,
  BidiStreamingCall,
} from "./client/calls.js";
export type { OutgoingCall, IncomingResponse, ClientInvoke, ClientInterceptor } from "./client/client-interceptor.js";
export type {
  RequestSource,
  UnaryMethod,
  ServerStreamingMethod,
  ClientStreamingMethod,
  BidiStreamingMethod,
  ClientMethodFor,
  LooseClientMethod,
  LooseCall,
  ServiceClient,
} from "./client/service-client.js";
export type { BackoffOptions, ChannelOptions, Channel, ChannelStats, ClientOptions, ConnectivityState } from "./client/client-options.js";
// Resolvers, load balancing and service config (README "Running a fleet").
export { registerResolver } from "./client/resolver/resolver-registry.js";
export type { ResolvedAddress, Resolution, ResolutionListener, Resolver, ResolverFactory, ResolverOptions } from "./client/resolver/resolver.js";
export type { TargetUri } from "./client/channel/target.js";
export { registerLoadBalancer } from "./client/balancer/balancer-registry.js";
export type {
  BalancerHelper,
  LoadBalancer,
  LoadBalancerFactory,
  Picker,
  Subchannel,
  SubchannelListener,
  SubchannelOptions,
} from "./client/balancer/load-balancer.js";
export type { ServiceConfig, MethodConfigJson } from "./client/service-config/service-config.js";

// Standard services: grpc.health.v1, server reflection (v1 and v1alpha) and channelz (v1).
export {
  createHealthService,
  type HealthService,
  type HealthDefinition,
  type ServingStatus,
  type ReportedStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListResponse,
} from "./services/health.js";
export {
  addReflection,
  type ReflectionDefinition,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
  type ExtensionRequest,
} from "./services/reflection-service.js";
export { createReflectionClient, type ReflectionClient, type ReflectionClientOptions } from "./services/reflection-client.js";
export { addChannelz, type ChannelzDefinition } from "./services/channelz.js";

// Observability (README, Observability): diagnostics channels, the trace log, call counters, and
// the observer API that instrumentations (h2grpc/opentelemetry) are built on.
export {
  CLIENT_CALL_CHANNEL,
  SERVER_CALL_CHANNEL,
  CLIENT_CONNECTION_CHANNEL,
  SERVER_CONNECTION_CHANNEL,
  type ClientCallMessage,
  type ServerCallMessage,
} from "./telemetry/diagnostics.js";
export { enableTraceLog, type TraceLogOptions, type TraceEvent, type TraceCategory } from "./telemetry/trace-log.js";
export type { CallStats } from "./telemetry/call-counters.js";
export { addCallObserver } from "./telemetry/observers.js";
export type {
  CallObserver,
  ClientCallInfo,
  ClientCallObservation,
  ClientAttemptInfo,
  ClientAttemptObservation,
  ServerCallInfo,
  ServerCallObservation,
  ConnectionEvent,
} from "./telemetry/call-observer.js";

// H2GRPC_TRACE=all (or call, connection) turns the trace log on from the environment.
enableTraceLogFromEnvironment();
