import type { ImplName } from "../clients/bench-client.js";

/** A running bench server of one implementation, on 127.0.0.1. */
export interface BenchServer {
  readonly port: number;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/** Starts the bench server of implementation `impl` on 127.0.0.1, on a free port. */
export async function startBenchServer(impl: ImplName): Promise<BenchServer> {
  switch (impl) {
    case "raw":
      return (await import("./raw-server.js")).startRawServer();
    case "grpc-js":
      return (await import("./grpc-js-server.js")).startGrpcJsServer();
    case "connect-node":
      return (await import("./connect-server.js")).startConnectServer();
    case "h2grpc":
      return (await import("./h2grpc-server.js")).startH2grpcServer();
  }
}
