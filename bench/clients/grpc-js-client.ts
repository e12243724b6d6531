import { once } from "node:events";
import * as grpc from "@grpc/grpc-js";
import { CLIENT_STREAM_COUNT, REQUESTS, type BenchRequest, type BenchRequestOut } from "../bench-messages.js";
import { GrpcJsBench, type GrpcJsBenchClient } from "../grpc-js-service.js";
import type { BenchClient, PingPong } from "./bench-client.js";

/**
 * Creates a @grpc/grpc-js client of the proto-loader Bench class and waits until it is ready. Its
 * one option keeps a subchannel (a connection) of its own: grpc-js otherwise shares subchannels
 * between clients of one process, and every measurement must start on a fresh connection.
 */
export async function createGrpcJsClient(port: number): Promise<BenchClient> {
  const client = new GrpcJsBench(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  await new Promise<void>((resolve, reject) =>
    client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())),
  );
  return {
    unary(request) {
      return new Promise<void>((resolve, reject) => {
        client.Unary(request.object, (error) => (error ? reject(error) : resolve()));
      });
    },
    serverStream(counter) {
      return new Promise<void>((resolve, reject) => {
        const call = client.ServerStream(REQUESTS.serverStream);
        call.on("data", () => counter.value++);
        call.on("error", reject);
        call.on("end", resolve);
      });
    },
    async clientStream(counter) {
      let failure: Error | undefined;
      const response = new Promise<void>((resolve, reject) => {
        const call = client.ClientStream((error) => (error ? reject(error) : resolve()));
        void writeRequests(call, counter).catch((error: Error) => (failure = error));
      });
      await response;
      if (failure !== undefined) throw failure;
    },
    openBidi() {
      return new GrpcJsPingPong(client);
    },
    async close() {
      client.close();
    },
  };
}

async function writeRequests(call: grpc.ClientWritableStream<BenchRequest>, counter: { value: number }): Promise<void> {
  for (let i = 0; i < CLIENT_STREAM_COUNT; i++) {
    counter.value++;
    if (!call.write(REQUESTS.small)) await once(call, "drain");
  }
  call.end();
}

class GrpcJsPingPong implements PingPong {
  readonly #call: grpc.ClientDuplexStream<BenchRequest, BenchRequestOut>;
  readonly #resolvers: (() => void)[] = [];
  readonly #rejecters: ((error: Error) => void)[] = [];
  readonly #ended: Promise<void>;

  constructor(client: GrpcJsBenchClient) {
    const call = client.Bidi();
    this.#call = call;
    call.on("data", () => {
      this.#rejecters.shift();
      this.#resolvers.shift()?.();
    });
    this.#ended = new Promise<void>((resolve, reject) => {
      call.on("error", (error: Error) => {
        for (const rejectPing of this.#rejecters.splice(0)) rejectPing(error);
        reject(error);
      });
      call.on("end", resolve);
    });
    this.#ended.catch(() => {});
  }

  ping(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#resolvers.push(resolve);
      this.#rejecters.push(reject);
      this.#call.write(REQUESTS.small);
    });
  }

  end(): Promise<void> {
    this.#call.end();
    return this.#ended;
  }
}
