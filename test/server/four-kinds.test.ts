import { describe, expect, it } from "vitest";
import { Echo, type EchoReply, type EchoRequest } from "../helpers/echo.js";
import { EchoClient, collectStream } from "../helpers/grpc-js-peer.js";
import { startServer } from "../helpers/start-server.js";


function echoImplementation() {
  return {
    async unary(request: EchoRequest) {
      return { message: `unary:${request.message}` };
    },
    async *serverStream(request: EchoRequest) {
      for (let i = 0; i < request.count; i++) yield { message: request.message, index: i };
    },
    async clientStream(requests: AsyncIterable<EchoRequest>) {
      const parts: string[] = [];
      for await (const r of requests) parts.push(r.message);
      return { message: parts.join(","), index: parts.length };
    },
    async *bidi(requests: AsyncIterable<EchoRequest>) {
      let i = 0;
      for await (const r of requests) yield { message: `bidi:${r.message}`, index: i++ };
    },
  };
}

describe("the four RPC kinds against a grpc-js client", () => {
  it("answers a unary call with the handler's response", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoImplementation()));
    const client = new EchoClient(address);
    const { reply } = await client.unary({ message: "hi" });
    expect(reply.message).toBe("unary:hi");
    client.close();
  });

  it("streams every yielded response of a server-streaming handler, in order", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoImplementation()));
    const client = new EchoClient(address);
    const replies = await collectStream(client.serverStream({ message: "x", count: 5 }));
    expect(replies.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    client.close();
  });

  it("ends a server-streaming call that yields nothing with OK", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoImplementation()));
    const client = new EchoClient(address);
    expect(await collectStream(client.serverStream({ message: "x", count: 0 }))).toEqual([]);
    client.close();
  });

  it("hands a client-streaming handler every request", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoImplementation()));
    const client = new EchoClient(address);
    const reply = await new Promise<EchoReply>((resolve, reject) => {
      const call = client.clientStream((error, r) => (error ? reject(error) : resolve(r as EchoReply)));
      for (const message of ["a", "b", "c"]) call.write({ message });
      call.end();
    });
    expect(reply).toMatchObject({ message: "a,b,c", index: 3 });
    client.close();
  });

  it("answers each bidi request as it arrives", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoImplementation()));
    const client = new EchoClient(address);
    const call = client.bidi();
    const first = new Promise<EchoReply>((resolve) => call.once("data", resolve));
    call.write({ message: "one" });
    // The reply to the first message arrives before the client sends a second: true streaming.
    expect((await first).message).toBe("bidi:one");
    const rest = collectStream(call);
    call.write({ message: "two" });
    call.end();
    expect((await rest).map((r) => r.message)).toEqual(["bidi:two"]);
    client.close();
  });

  it("runs many concurrent unary calls on one connection", async () => {
    const { address } = await startServer((s) => s.addService(Echo, echoImplementation()));
    const client = new EchoClient(address);
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => client.unary({ message: String(i) })));
    expect(replies.map((r) => r.reply.message)).toEqual(Array.from({ length: 200 }, (_, i) => `unary:${i}`));
    client.close();
  });
});
