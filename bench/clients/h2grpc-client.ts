import { closeClient, createClient } from "../../src/client/client.js";
import type { BidiStreamingCall } from "../../src/client/calls.js";
import { Bench, CLIENT_STREAM_COUNT, REQUESTS, type BenchReplyOut, type BenchRequest } from "../bench-messages.js";
import type { BenchClient, PingPong } from "./bench-client.js";

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
      return new H2grpcPingPong(client.bidi());
    },
    async close() {
      closeClient(client);
    },
  };
}

class H2grpcPingPong implements PingPong {
  readonly #call: BidiStreamingCall<BenchRequest, BenchReplyOut>;
  readonly #replies: AsyncIterator<BenchReplyOut>;

  constructor(call: BidiStreamingCall<BenchRequest, BenchReplyOut>) {
    this.#call = call;
    this.#replies = call[Symbol.asyncIterator]();
  }

  async ping(): Promise<void> {
    await this.#call.write(REQUESTS.small);
    const reply = await this.#replies.next();
    if (reply.done === true) throw new Error("bidi call ended before its reply");
  }

  async end(): Promise<void> {
    this.#call.end();
    const last = await this.#replies.next();
    if (last.done !== true) throw new Error("bidi call sent an unexpected reply");
  }
}
