// The grpc.testing messages as h2grpc's protobuf serializer decodes them (camelCase fields,
// defaults present, unset message fields null, enums as names, bytes as Uint8Array), and the
// service definitions loaded from protos/grpc/testing at run time.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadService, type MethodDefinition, type ServiceDefinition } from "../../src/index.js";

export interface BoolValue {
  readonly value: boolean;
}
export interface Payload {
  readonly type?: string;
  readonly body: Uint8Array;
}
export interface EchoStatus {
  readonly code: number;
  readonly message: string;
}
export interface SimpleRequest {
  readonly responseSize: number;
  readonly payload: Payload | null;
  readonly responseCompressed: BoolValue | null;
  readonly responseStatus: EchoStatus | null;
  readonly expectCompressed: BoolValue | null;
}
export interface SimpleResponse {
  readonly payload: Payload | null;
}
export interface StreamingInputCallRequest {
  readonly payload: Payload | null;
  readonly expectCompressed: BoolValue | null;
}
export interface StreamingInputCallResponse {
  readonly aggregatedPayloadSize: number;
}
export interface ResponseParameters {
  readonly size: number;
  readonly intervalUs: number;
  readonly compressed: BoolValue | null;
}
export interface StreamingOutputCallRequest {
  readonly responseParameters: ResponseParameters[];
  readonly payload: Payload | null;
  readonly responseStatus: EchoStatus | null;
}
export interface StreamingOutputCallResponse {
  readonly payload: Payload | null;
}

/** What senders pass: every field optional (h2grpc's serializer fills in the defaults). */
type In<T> = { [K in keyof T]?: T[K] extends object | null ? In<NonNullable<T[K]>> | null : T[K] };
type Unary<Req, Res> = MethodDefinition<In<Req>, In<Res>, Req, Res, "unary">;
type Bidi<Req, Res> = MethodDefinition<In<Req>, In<Res>, Req, Res, "bidi_streaming">;

/** grpc.testing.TestService with its message types, for typed handlers and clients. */
export type TestServiceDefinition = ServiceDefinition<{
  emptyCall: Unary<object, object>;
  unaryCall: Unary<SimpleRequest, SimpleResponse>;
  cacheableUnaryCall: Unary<SimpleRequest, SimpleResponse>;
  streamingOutputCall: MethodDefinition<In<StreamingOutputCallRequest>, In<StreamingOutputCallResponse>, StreamingOutputCallRequest, StreamingOutputCallResponse, "server_streaming">;
  streamingInputCall: MethodDefinition<In<StreamingInputCallRequest>, In<StreamingInputCallResponse>, StreamingInputCallRequest, StreamingInputCallResponse, "client_streaming">;
  fullDuplexCall: Bidi<StreamingOutputCallRequest, StreamingOutputCallResponse>;
  halfDuplexCall: Bidi<StreamingOutputCallRequest, StreamingOutputCallResponse>;
  unimplementedCall: Unary<object, object>;
}>;

/** grpc.testing.UnimplementedService. */
export type UnimplementedServiceDefinition = ServiceDefinition<{ unimplementedCall: Unary<object, object> }>;

// Works from test/interop (vitest) and from dist/test/interop (the built programs).
function findProtosDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    if (existsSync(path.join(dir, "protos", "grpc", "testing", "test.proto"))) return path.join(dir, "protos");
    dir = path.dirname(dir);
  }
  throw new Error("protos/grpc/testing/test.proto not found above the interop programs");
}

/** The proto include directory holding grpc/testing/*.proto; throws if it cannot be found. */
export const PROTOS_DIR = findProtosDir();

/** grpc.testing.TestService, with h2grpc's protobufjs serializers. */
export const TestService = loadService<TestServiceDefinition>("grpc/testing/test.proto", "grpc.testing.TestService", {
  includeDirs: [PROTOS_DIR],
});

/** grpc.testing.UnimplementedService, which no interop server implements. */
export const UnimplementedService = loadService<UnimplementedServiceDefinition>(
  "grpc/testing/test.proto",
  "grpc.testing.UnimplementedService",
  { includeDirs: [PROTOS_DIR] },
);
