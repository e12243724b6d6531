import * as grpc from "@grpc/grpc-js";
import type { ServiceClient } from "../../src/client/service-client.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { collect, Echo, type EchoRequest } from "../helpers/echo.js";
import { startGrpcJsServer } from "../helpers/grpc-js-peer.js";
import { startEchoServer } from "../helpers/start-server.js";
import type { EchoDefinition } from "../helpers/echo.js";


const impl: grpc.UntypedServiceImplementation = {
  Unary(call: grpc.ServerUnaryCall<EchoRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
    callback(null, { message: `unary:${call.request.message}` });
  },
  ServerStream(call: grpc.ServerWritableStream<EchoRequest, unknown>) {
    for (let i = 0; i < call.request.count; i++) call.write({ message: call.request.message, index: i });
    call.end();
  },
  ClientStream(call: grpc.ServerReadableStream<EchoRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
    const seen: string[] = [];
    call.on("data", (request: EchoRequest) => seen.push(request.message));
    call.on("end", () => callback(null, { message: seen.join(","), index: seen.length }));
  },
  Bidi(call: grpc.ServerDuplexStream<EchoRequest, unknown>) {
    let index = 0;
    call.on("data", (request: EchoRequest) => call.write({ message: `re:${request.message}`, index: index++ }));
    call.on("end", () => call.end());
  },
};

const ownImpl = {
  async unary(request: EchoRequest) {
    return { message: `unary:${request.message}` };
  },
  async *serverStream(request: EchoRequest) {
    for (let i = 0; i < request.count; i++) yield { message: request.message, index: i };
  },
  async clientStream(requests: AsyncIterable<EchoRequest>) {
    const seen: string[] = [];
    for await (const request of requests) seen.push(request.message);
    return { message: seen.join(","), index: seen.length };
  },
  async *bidi(requests: AsyncIterable<EchoRequest>) {
    let index = 0;
    for await (const request of requests) yield { message: `re:${request.message}`, index: index++ };
  },
};

const peers: Record<string, () => Promise<{ address: string; close(): Promise<void> }>> = {
  "grpc-js": () => startGrpcJsServer(impl),
  h2grpc: () => startEchoServer(ownImpl),
};

describe.each(Object.keys(peers))("the four RPC kinds against a %s server", (peerName) => {
  let peer: { address: string; close(): Promise<void> };
  let client: ServiceClient<EchoDefinition>;
  beforeAll(async () => {
    peer = await peers[peerName]!();
    client = createClient(Echo, { address: peer.address });
  });
  afterAll(async () => {
    closeClient(client);
    await peer.close();
  });

  it("unary returns the response", async () => {
    expect(await client.unary({ message: "hi" }, { timeoutMs: 5000 })).toMatchObject({ message: "unary:hi" });
  });

  it("server-streaming yields every response in order", async () => {
    const replies = await collect(client.serverStream({ message: "s", count: 5 }));
    expect(replies.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it("server-streaming with zero responses ends cleanly", async () => {
    expect(await collect(client.serverStream({ message: "s", count: 0 }))).toEqual([]);
  });

  it("client-streaming with an iterable resolves to the response", async () => {
    const reply = await client.clientStream([{ message: "a" }, { message: "b" }, { message: "c" }]);
    expect(reply).toMatchObject({ message: "a,b,c", index: 3 });
  });

  it("client-streaming with an async generator pulls every request", async () => {
    async function* requests() {
      for (let i = 0; i < 3; i++) yield { message: String(i) };
    }
    expect(await client.clientStream(requests())).toMatchObject({ message: "0,1,2" });
  });

  it("client-streaming as a call object: write, end, await response", async () => {
    const call = client.clientStream({ timeoutMs: 5000 });
    await call.write({ message: "x" });
    await call.write({ message: "y" });
    call.end();
    expect(await call.response).toMatchObject({ message: "x,y", index: 2 });
  });

  it("bidi with an iterable yields a reply per request", async () => {
    const replies = await collect(client.bidi([{ message: "1" }, { message: "2" }]));
    expect(replies.map((r: { message: string }) => r.message)).toEqual(["re:1", "re:2"]);
  });

  it("bidi as a call object: ping-pong one message at a time", async () => {
    const call = client.bidi();
    const iterator = call[Symbol.asyncIterator]();
    for (const word of ["a", "b", "c"]) {
      await call.write({ message: word });
      expect((await iterator.next()).value).toMatchObject({ message: `re:${word}` });
    }
    call.end();
    expect((await iterator.next()).done).toBe(true);
    expect(await call.headers).toBeDefined();
  });
});
