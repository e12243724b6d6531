// Test helper: an @grpc/grpc-js client for test/protos/echo.proto, built from our own
// serializers (no proto-loader), so server tests do not depend on h2grpc's client.
import * as grpc from "@grpc/grpc-js";
import { loadService } from "../../src/codec/load-service.js";
import type { AnyMethodDefinition } from "../../src/definition.js";
import type { EchoDefinition } from "../protos/gen/echo.js";

/** The Echo service definition of test/protos/echo.proto, typed by the generated stubs. */
export const Echo = loadService<EchoDefinition>("test/protos/echo.proto", "h2grpc.test.Echo");

/** An EchoReply as the handlers and grpc-js see it. */
export interface EchoReply {
  message: string;
  index: number;
  payload: Uint8Array;
  id: string;
}

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
