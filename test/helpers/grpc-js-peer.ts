// Test helper: the grpc-js side of the Echo service (test/helpers/echo.ts), through grpc-js's
// generic API with h2grpc's own serializers (no proto-loader), so tests of either side of h2grpc
// can run against a real peer: EchoClient calls an h2grpc server, startGrpcJsServer serves an h2grpc client.
import * as grpc from "@grpc/grpc-js";
import type { AnyMethodDefinition, ServiceDefinition } from "../../src/definition.js";
import { Echo, type EchoDefinition, type EchoReply } from "./echo.js";

function method(name: keyof EchoDefinition["methods"]): AnyMethodDefinition {
  return Echo.methods[name] as AnyMethodDefinition;
}

function serialize(m: AnyMethodDefinition) {
  return (value: unknown): Buffer => Buffer.from(m.requestSerializer.serialize(value));
}
function deserialize(m: AnyMethodDefinition) {
  return (bytes: Buffer): EchoReply => m.responseSerializer.deserialize(bytes) as EchoReply;
}

/** A grpc-js client for Echo with promise helpers; close() it when done. */
export class EchoClient {
  readonly client: grpc.Client;

  constructor(address: string, credentials = grpc.credentials.createInsecure(), options: grpc.ClientOptions = {}) {
    this.client = new grpc.Client(address, credentials, options);
  }

  unary(request: object, options: { metadata?: grpc.Metadata; deadline?: number; call?: grpc.CallOptions } = {}): Promise<{ reply: EchoReply; headers: grpc.Metadata; trailers: grpc.Metadata }> {
    const m = method("unary");
    return new Promise((resolve, reject) => {
      let headers = new grpc.Metadata();
      let outcome: { error: grpc.ServiceError | null; reply: EchoReply | undefined } | undefined;
      const call = this.client.makeUnaryRequest(
        m.path,
        serialize(m),
        deserialize(m),
        request,
        options.metadata ?? new grpc.Metadata(),
        { ...(options.deadline !== undefined ? { deadline: options.deadline } : {}), ...options.call },
        (error, reply) => (outcome = { error, reply: reply as EchoReply | undefined }),
      );
      call.on("metadata", (md) => (headers = md));
      // grpc-js calls the callback before it emits 'status'; settle once both are in.
      call.on("status", (status) => {
        const trailers = status.metadata;
        if (outcome?.error) reject(Object.assign(outcome.error, { headers, trailers }));
        else resolve({ reply: outcome?.reply as EchoReply, headers, trailers });
      });
    });
  }

  serverStream(request: object, options: { metadata?: grpc.Metadata; deadline?: number } = {}): grpc.ClientReadableStream<EchoReply> {
    const m = method("serverStream");
    return this.client.makeServerStreamRequest(m.path, serialize(m), deserialize(m), request, options.metadata ?? new grpc.Metadata(), {
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    });
  }

  clientStream(callback: (error: grpc.ServiceError | null, reply?: EchoReply) => void, options: { deadline?: number } = {}): grpc.ClientWritableStream<object> {
    const m = method("clientStream");
    return this.client.makeClientStreamRequest(m.path, serialize(m), deserialize(m), new grpc.Metadata(), {
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    }, callback);
  }

  bidi(options: { metadata?: grpc.Metadata; deadline?: number } = {}): grpc.ClientDuplexStream<object, EchoReply> {
    const m = method("bidi");
    return this.client.makeBidiStreamRequest(m.path, serialize(m), deserialize(m), options.metadata ?? new grpc.Metadata(), {
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    });
  }

  close(): void {
    this.client.close();
  }
}

/** Collects a grpc-js readable call into an array; rejects with the call's error. */
export function collectStream<T>(stream: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<object, T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on("data", (item: T) => items.push(item));
    stream.on("error", reject);
    stream.on("end", () => resolve(items));
  });
}

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
