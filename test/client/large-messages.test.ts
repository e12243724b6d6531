// Several large messages in flight on one connection. Node caps the memory of an HTTP/2 session
// (maxSessionMemory, 10 MB unless told otherwise) and, past it, resets every stream whose headers
// or trailers arrive with ENHANCE_YOUR_CALM; the large replies being read count against it, so a
// few 4 MiB unary calls on one connection failed with RESOURCE_EXHAUSTED (found by the bench's
// message-size curve, against a server that echoes as fast as node:http2 can).
import { describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { createClient } from "../../src/client/client.js";
import { Echo } from "../helpers/echo.js";
import { startRawServer } from "./raw-server.js";

const FOUR_MIB = 4 * 1024 * 1024;

describe("large messages", () => {
  it("completes 48 unary echoes of 4 MiB messages, 8 in flight at once on one connection", async () => {
    // Echoes each request's bytes back as they came (a request of the Echo service is a valid reply).
    const server = await startRawServer((stream) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.once("end", () => {
        if (stream.destroyed) return;
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(Buffer.concat(chunks));
      });
    });
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
