import type { UnaryRequest } from "../bench-messages.js";

/** The implementations the benchmark compares; "raw" is the node:http2 ceiling. */
export type ImplName = "raw" | "grpc-js" | "connect-node" | "h2grpc";

/** Every implementation, in report order. */
export const IMPL_NAMES: readonly ImplName[] = ["raw", "grpc-js", "connect-node", "h2grpc"];

/** Incremented once per message by streaming calls; the driver samples it at the window edges. */
export interface MessageCounter {
  value: number;
}

/** One open bidi call used for ping-pong. */
export interface PingPong {
  /** Sends one message; resolves when its reply arrived. */
  ping(): Promise<void>;
  /** Half-closes and resolves when the call ended with OK. */
  end(): Promise<void>;
}

/**
 * What the load driver needs from a client implementation, over one HTTP/2 connection. Every
 * method rejects if the call does not end with grpc-status 0.
 */
export interface BenchClient {
  /** One unary call with `request`; resolves on the reply (an echo of it). */
  unary(request: UnaryRequest): Promise<void>;
  /** One server-streaming call of SERVER_STREAM_COUNT replies, counting each reply. */
  serverStream(counter: MessageCounter): Promise<void>;
  /** One client-streaming call of CLIENT_STREAM_COUNT requests (with backpressure), counting each request. */
  clientStream(counter: MessageCounter): Promise<void>;
  /** Opens a bidi call. */
  openBidi(): PingPong;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** How a bench client is set up beyond its implementation's defaults. */
export interface BenchClientOptions {
  /** h2grpc only: ChannelOptions.connectionsPerAddress. */
  readonly connectionsPerAddress?: number | undefined;
}

/** Creates a connected client of implementation `impl` for the bench server on 127.0.0.1:`port`. */
export async function createBenchClient(impl: ImplName, port: number, options: BenchClientOptions = {}): Promise<BenchClient> {
  switch (impl) {
    case "raw":
      return (await import("./raw-client.js")).createRawClient(port);
    case "grpc-js":
      return (await import("./grpc-js-client.js")).createGrpcJsClient(port);
    case "connect-node":
      return (await import("./connect-client.js")).createConnectClient(port);
    case "h2grpc":
      return (await import("./h2grpc-client.js")).createH2grpcClient(port, options.connectionsPerAddress);
  }
}
