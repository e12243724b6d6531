import { createServer } from "../../src/server/server.js";
import type { Server } from "../../src/server/server-options.js";
import { insecure } from "../../src/transport/tls.js";
import { Bench, SMALL_REPLY } from "../bench-messages.js";
import type { BenchServer } from "./bench-server.js";

// The handlers are written as an h2grpc user would write them (ARCHITECTURE.md §4).

/** An h2grpc server with the Bench service, not yet listening. */
export function createH2grpcBenchServer(): Server {
  return createServer().addService(Bench, {
    async unary(request) {
      return { message: request.message, payload: request.payload };
    },
    async *serverStream(request) {
      for (let i = 0; i < request.count; i++) yield SMALL_REPLY;
    },
    async clientStream(requests) {
      let count = 0;
      for await (const _ of requests) count++;
      return { count };
    },
    async *bidi(requests) {
      for await (const request of requests) yield { message: request.message };
    },
  });
}

/** Starts an h2grpc server on 127.0.0.1 on a free port; rejects if it cannot listen. */
export async function startH2grpcServer(): Promise<BenchServer> {
  const server = createH2grpcBenchServer();
  const port = await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure() });
  return { port, close: () => server.close() };
}
