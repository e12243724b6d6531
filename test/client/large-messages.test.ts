// Several large messages in flight on one connection. Node caps the memory of an HTTP/2 session
// (maxSessionMemory, 10 MB unless told otherwise) and, past it, resets every stream whose headers
// or trailers arrive with ENHANCE_YOUR_CALM; the large replies being read count against it, so a
// few 4 MiB unary calls on one connection failed with RESOURCE_EXHAUSTED (found by the bench's
// message-size curve, against a server that echoes as fast as node:http2 can).
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { createClient } from "../../src/client/client.js";
import { Echo } from "../helpers/echo.js";

const FOUR_MIB = 4 * 1024 * 1024;

/** A node:http2 server that echoes each request's bytes back as they came (an Echo request is a valid reply), with no memory cap of its own. */
async function startEchoingServer(): Promise<{ address: string; close(): Promise<void> }> {
  const server = http2.createServer({ maxSessionMemory: 1024 });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.on("stream", (stream) => {
    const chunks: Buffer[] = [];
    stream.on("error", () => {});
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", () => {
      if (stream.destroyed) return;
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("large messages", () => {
  it("completes 48 unary echoes of 4 MiB messages, 8 in flight at once on one connection", async () => {
    const server = await startEchoingServer();
    const channel = createChannel(server.address);
    const client = createClient(Echo, { channel });
    try {
      // 4 MiB in all with the field's tag and length: the default receive limit.
      const payload = new Uint8Array(FOUR_MIB - 5).fill(7);
      const sizes: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let call = 0; call < 6; call++) sizes.push((await client.unary({ payload })).payload.length);
        }),
      );
      expect(sizes).toEqual(Array.from({ length: 48 }, () => payload.length));
    } finally {
      channel.close();
      await server.close();
    }
  }, 120_000);
});
