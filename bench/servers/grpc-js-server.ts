import * as grpc from "@grpc/grpc-js";
import { SMALL_REPLY, type BenchReply, type BenchRequestOut } from "../bench-messages.js";
import { GrpcJsBench } from "../grpc-js-service.js";
import type { BenchServer } from "./bench-server.js";
import { waitForDrain } from "./wait-for-drain.js";

// The handlers are written as a grpc-js user would write them, with backpressure on writes.

/** Starts a @grpc/grpc-js server on 127.0.0.1 on a free port; rejects if it cannot bind. */
export async function startGrpcJsServer(): Promise<BenchServer> {
  const server = new grpc.Server();
  server.addService(GrpcJsBench.service, {
    Unary(call: grpc.ServerUnaryCall<BenchRequestOut, BenchReply>, callback: grpc.sendUnaryData<BenchReply>) {
      callback(null, { message: call.request.message, payload: call.request.payload });
    },
    ServerStream(call: grpc.ServerWritableStream<BenchRequestOut, BenchReply>) {
      void streamReplies(call);
    },
    ClientStream(call: grpc.ServerReadableStream<BenchRequestOut, BenchReply>, callback: grpc.sendUnaryData<BenchReply>) {
      let count = 0;
      call.on("data", () => count++);
      call.on("end", () => callback(null, { count }));
    },
    Bidi(call: grpc.ServerDuplexStream<BenchRequestOut, BenchReply>) {
      call.on("data", (request: BenchRequestOut) => call.write({ message: request.message }));
      call.on("end", () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    port,
    close: async () => server.forceShutdown(),
  };
}

async function streamReplies(call: grpc.ServerWritableStream<BenchRequestOut, BenchReply>): Promise<void> {
  for (let i = 0; i < call.request.count && !call.cancelled; i++) {
    // Both listeners go once either fires (events.once would leave the other one behind per wait).
    if (!call.write(SMALL_REPLY)) await waitForDrain(call, ["cancelled", "close"]);
  }
  call.end();
}
