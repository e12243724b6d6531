// Promise helpers over @grpc/grpc-js's generic client API for any h2grpc MethodDefinition, built
// from our serializers (no proto-loader): the tutorial tests call every method with grpc-js too.
import * as grpc from "@grpc/grpc-js";
import type { AnyMethodDefinition } from "../../src/definition.js";

function serializerOf(method: AnyMethodDefinition): (value: unknown) => Buffer {
  return (value) => Buffer.from(method.requestSerializer.serialize(value));
}
function deserializerOf(method: AnyMethodDefinition): (bytes: Buffer) => unknown {
  return (bytes) => method.responseSerializer.deserialize(bytes);
}

/** Per-call options: metadata and a deadline (epoch ms). */
export interface GrpcJsCallOptions {
  readonly metadata?: grpc.Metadata;
  readonly deadline?: number;
}

function callOptions(options: GrpcJsCallOptions): grpc.CallOptions {
  return options.deadline === undefined ? {} : { deadline: options.deadline };
}

/** A unary call; rejects with grpc-js's ServiceError (`code`, `details`). */
export function grpcJsUnary(client: grpc.Client, method: AnyMethodDefinition, request: unknown, options: GrpcJsCallOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(method.path, serializerOf(method), deserializerOf(method), request,
      options.metadata ?? new grpc.Metadata(), callOptions(options), (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

/** A server-streaming call, collected; rejects with the ServiceError that ended it. */
export async function grpcJsServerStream(client: grpc.Client, method: AnyMethodDefinition, request: unknown, options: GrpcJsCallOptions = {}): Promise<unknown[]> {
  const call = client.makeServerStreamRequest(method.path, serializerOf(method), deserializerOf(method), request,
    options.metadata ?? new grpc.Metadata(), callOptions(options));
  const replies: unknown[] = [];
  for await (const reply of call) replies.push(reply);
  return replies;
}

/** A client-streaming call that writes `requests` then half-closes; rejects with the ServiceError. */
export function grpcJsClientStream(client: grpc.Client, method: AnyMethodDefinition, requests: readonly unknown[], options: GrpcJsCallOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const call = client.makeClientStreamRequest(method.path, serializerOf(method), deserializerOf(method),
      options.metadata ?? new grpc.Metadata(), callOptions(options), (error, reply) => (error ? reject(error) : resolve(reply)));
    for (const request of requests) call.write(request);
    call.end();
  });
}

/** A bidi call that writes `requests`, half-closes and collects the replies; rejects with the ServiceError. */
export async function grpcJsBidi(client: grpc.Client, method: AnyMethodDefinition, requests: readonly unknown[], options: GrpcJsCallOptions = {}): Promise<unknown[]> {
  const call = client.makeBidiStreamRequest(method.path, serializerOf(method), deserializerOf(method),
    options.metadata ?? new grpc.Metadata(), callOptions(options));
  for (const request of requests) call.write(request);
  call.end();
  const replies: unknown[] = [];
  for await (const reply of call) replies.push(reply);
  return replies;
}
