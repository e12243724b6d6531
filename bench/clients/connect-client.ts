import { createClient } from "@connectrpc/connect";
import { createWritableIterable } from "@connectrpc/connect/protocol";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { CLIENT_STREAM_COUNT, REQUESTS, type BenchRequest as BenchRequestInit } from "../bench-messages.js";
import { Bench } from "../connect/gen/bench_pb.js";
import type { BenchClient, MessageCounter } from "./bench-client.js";
import { IteratorPingPong } from "./iterator-ping-pong.js";

/** The protocols a connect-node client speaks over HTTP/2; the bench's gRPC rows use "grpc". */
export type ConnectProtocol = "grpc" | "grpc-web" | "connect";

/**
 * Creates a connect-node client of the generated Bench service, as connect-es users write it,
 * and makes one call so that it is connected. Its one addition is an Http2SessionManager of its
 * own, the documented way to close the connection afterwards: every measurement starts on a
 * fresh connection.
 */
export async function createConnectClient(port: number, protocol: ConnectProtocol = "grpc"): Promise<BenchClient> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const sessionManager = new Http2SessionManager(baseUrl);
  const transportOptions = { baseUrl, httpVersion: "2", sessionManager } as const;
  const transport =
    protocol === "grpc"
      ? createGrpcTransport(transportOptions)
      : protocol === "grpc-web"
        ? createGrpcWebTransport(transportOptions)
        : createConnectTransport(transportOptions);
  const client = createClient(Bench, transport);
  await client.unary(REQUESTS.small);
  return {
    async unary(request) {
      await client.unary(request.object);
    },
    async serverStream(counter) {
      for await (const _ of client.serverStream(REQUESTS.serverStream)) counter.value++;
    },
    async clientStream(counter) {
      await client.clientStream(countedRequests(counter));
    },
    openBidi() {
      // connect-es's writable iterable: its write() resolves once the call has taken the message.
      const requests = createWritableIterable<BenchRequestInit>();
      return new IteratorPingPong({ write: (request) => requests.write(request), end: () => requests.close() }, client.bidi(requests));
    },
    async close() {
      sessionManager.abort();
    },
  };
}

async function* countedRequests(counter: MessageCounter): AsyncGenerator<BenchRequestInit> {
  for (let i = 0; i < CLIENT_STREAM_COUNT; i++) {
    counter.value++;
    yield REQUESTS.small;
  }
}
