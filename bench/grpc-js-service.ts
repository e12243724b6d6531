import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { findPackageRoot, type BenchRequest, type BenchRequestOut } from "./bench-messages.js";

// The Bench service as grpc-js users load it: @grpc/proto-loader with the options grpc's Node
// examples use, then loadPackageDefinition. Messages are plain objects; with defaults: true every
// field of a received message is present (payload an empty Buffer), like BenchRequestOut.

const definition = protoLoader.loadSync(path.join(findPackageRoot(), "bench", "protos", "bench.proto"), {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** The client class loadPackageDefinition makes for h2grpc.bench.Bench, typed by hand (proto-loader's objects are untyped). */
export interface GrpcJsBenchClient extends grpc.Client {
  Unary(request: BenchRequest, callback: grpc.requestCallback<BenchRequestOut>): grpc.ClientUnaryCall;
  ServerStream(request: BenchRequest): grpc.ClientReadableStream<BenchRequestOut>;
  ClientStream(callback: grpc.requestCallback<BenchRequestOut>): grpc.ClientWritableStream<BenchRequest>;
  Bidi(): grpc.ClientDuplexStream<BenchRequest, BenchRequestOut>;
}

interface BenchConstructor {
  new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions): GrpcJsBenchClient;
  readonly service: grpc.ServiceDefinition;
}
const packageObject = grpc.loadPackageDefinition(definition) as unknown as { h2grpc: { bench: { Bench: BenchConstructor } } };

/** The Bench client class; its `service` is what Server.addService takes. */
export const GrpcJsBench: BenchConstructor = packageObject.h2grpc.bench.Bench;
