import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { closeClient, createClient } from "../../src/client/client.js";
import { Echo, type EchoRequest } from "../helpers/echo.js";
import { startEchoServer } from "../helpers/start-server.js";
import { frameOf, startRawServer } from "./raw-server.js";


describe("GOAWAY", () => {
  it("an in-flight call finishes on the old connection and the next call opens a new one", async () => {
    const sessions: http2.Http2Session[] = [];
    let finishFirst!: () => void;
    let firstArrived!: () => void;
    const firstStarted = new Promise<void>((resolve) => (firstArrived = resolve));
    const raw = await startRawServer((stream) => {
      if (!sessions.includes(stream.session!)) sessions.push(stream.session!);
      stream.on("data", () => {});
      const respond = (): void => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(frameOf(Echo.methods.unary!.responseSerializer.serialize({ message: `session ${sessions.indexOf(stream.session!)}` })));
      };
      if (sessions.length === 1 && finishFirst === undefined) {
        finishFirst = respond;
        stream.session!.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id); // graceful: this stream may finish
        firstArrived();
      } else {
        stream.on("end", respond);
      }
    });
    const channel = createChannel(raw.address);
    const client = createClient(Echo, { channel });
    try {
      const inFlight = client.unary({ message: "first" });
      await firstStarted;
      // Wait for the client to see the GOAWAY: the channel drops the session and goes IDLE.
      for (let i = 0; i < 200 && channel.state === "READY"; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(channel.state).toBe("IDLE");
      const next = client.unary({ message: "second" });
      expect(await next).toMatchObject({ message: "session 1" });
      finishFirst();
      expect(await inFlight).toMatchObject({ message: "session 0" });
      expect(sessions).toHaveLength(2);
    } finally {
      closeClient(client);
      channel.close();
      await raw.close();
    }
  });

  it("a graceful server close lets the in-flight call finish; after a restart the next call reconnects", async () => {
    let release!: () => void;
    let arrived!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (arrived = resolve));
    const impl = {
      async unary(request: EchoRequest) {
        if (request.message === "slow") {
          arrived();
          await new Promise<void>((resolve) => (release = resolve));
        }
        return { message: `done:${request.message}` };
      },
    } as never;
    let peer = await startEchoServer(impl);
    const port = peer.port;
    const client = createClient(Echo, { address: peer.address });
    try {
      const slow = client.unary({ message: "slow" });
      await handlerStarted;
      const closing = peer.server.close({ graceMs: 10_000 });
      release();
      expect(await slow).toMatchObject({ message: "done:slow" });
      await closing;
      peer = await startEchoServer(impl, { listen: { port } });
      expect(await client.unary({ message: "next" })).toMatchObject({ message: "done:next" });
    } finally {
      closeClient(client);
      await peer.close();
    }
  });
});
