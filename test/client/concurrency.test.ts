import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Echo, type EchoRequest } from "../helpers/echo.js";
import { startEchoServer } from "../helpers/start-server.js";

describe("concurrency", () => {
  it("more concurrent calls than the server's MAX_CONCURRENT_STREAMS wait their turn and all succeed", async () => {
    let active = 0;
    let maxActive = 0;
    const peer = await startEchoServer(
      {
        async unary(request: EchoRequest) {
          maxActive = Math.max(maxActive, ++active);
          await new Promise((resolve) => setImmediate(resolve));
          active--;
          return { message: request.message };
        },
      } as never,
      { server: { maxConcurrentStreams: 2 } },
    );
    const client = createClient(Echo, { address: peer.address });
    try {
      await client.unary({ message: "warm-up" }); // the server's SETTINGS have arrived
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.unary({ message: String(i) }, { timeoutMs: 10_000 })));
      expect(replies.map((reply) => reply.message)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      expect(maxActive).toBeLessThanOrEqual(2);
    } finally {
      closeClient(client);
      await peer.close();
    }
  });
});
