// A @grpc/grpc-js server for the Echo service, using its generic API with our serializers (no proto-loader).
import * as grpc from "@grpc/grpc-js";
import { loadService } from "../../src/codec/load-service.js";
import type { AnyMethodDefinition, MethodDefinition, ServiceDefinition } from "../../src/definition.js";

/** h2grpc.test.EchoRequest as a receiver gets it (every field present). */
export interface EchoRequest {
  message: string;
  count: number;
  payload: Uint8Array;
  delayMs: number;
  id: string;
}

/** h2grpc.test.EchoReply as a receiver gets it. */
export interface EchoReply {
  message: string;
  index: number;
  payload: Uint8Array;
  id: string;
}

type EchoMethod<Kind extends "unary" | "server_streaming" | "client_streaming" | "bidi_streaming"> = MethodDefinition<
  Partial<EchoRequest>,
  Partial<EchoReply>,
  EchoRequest,
  EchoReply,
  Kind
>;

/** The typed definition of test/protos/echo.proto, as `npm run gen` would write it. */
export type EchoDefinition = ServiceDefinition<{
  unary: EchoMethod<"unary">;
  serverStream: EchoMethod<"server_streaming">;
  clientStream: EchoMethod<"client_streaming">;
  bidi: EchoMethod<"bidi_streaming">;
}>;

export const Echo = loadService<EchoDefinition>("test/protos/echo.proto", "h2grpc.test.Echo");

/** Builds the grpc-js service definition for `definition` from our serializers. */
export function grpcJsService(definition: ServiceDefinition): grpc.ServiceDefinition {
  const service: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of Object.values(definition.methods) as AnyMethodDefinition[]) {
    service[method.name] = {
      path: method.path,
      requestStream: method.kind === "client_streaming" || method.kind === "bidi_streaming",
      responseStream: method.kind === "server_streaming" || method.kind === "bidi_streaming",
      requestSerialize: (value) => Buffer.from(method.requestSerializer.serialize(value)),
      requestDeserialize: (bytes) => method.requestSerializer.deserialize(bytes),
      responseSerialize: (value) => Buffer.from(method.responseSerializer.serialize(value)),
      responseDeserialize: (bytes) => method.responseSerializer.deserialize(bytes),
    };
  }
  return service;
}

/** A started grpc-js server on 127.0.0.1:0 with the given Echo implementation. */
export interface GrpcJsPeer {
  readonly server: grpc.Server;
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

/** Starts a grpc-js server with `impl` on 127.0.0.1 (port 0 unless given); throws if binding fails. */
export async function startGrpcJsServer(
  impl: grpc.UntypedServiceImplementation,
  options: { credentials?: grpc.ServerCredentials; port?: number; serverOptions?: grpc.ServerOptions } = {},
): Promise<GrpcJsPeer> {
  const server = new grpc.Server(options.serverOptions);
  server.addService(grpcJsService(Echo), impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, options.credentials ?? grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    server,
    port,
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
