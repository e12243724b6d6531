import { closeClient, createClient } from "../../src/client/client.js";
import { Bench, CLIENT_STREAM_COUNT, REQUESTS } from "../bench-messages.js";
import type { BenchClient } from "./bench-client.js";
import { IteratorPingPong } from "./iterator-ping-pong.js";

/** Creates an h2grpc client with its own channel (one connection, or a pool of them) and makes sure it is connected. */
export async function createH2grpcClient(port: number, connectionsPerAddress?: number): Promise<BenchClient> {
  const client = createClient(Bench, { address: `127.0.0.1:${port}`, ...(connectionsPerAddress === undefined ? {} : { connectionsPerAddress }) });
  await client.unary(REQUESTS.small);
  return {
    async unary(request) {
      await client.unary(request.object);
    },
    async serverStream(counter) {
      for await (const _ of client.serverStream(REQUESTS.serverStream)) counter.value++;
    },
    async clientStream(counter) {
      const call = client.clientStream();
      for (let i = 0; i < CLIENT_STREAM_COUNT; i++) {
        counter.value++;
        await call.write(REQUESTS.small);
      }
      call.end();
      await call.response;
    },
    openBidi() {
      const call = client.bidi();
      return new IteratorPingPong(call, call);
    },
    async close() {
      closeClient(client);
    },
  };
}
