// #10: a client that cancels thousands of calls at once (a fan-out given up on) is not cut off as a
// rapid-reset attacker where Node lets the server say so (22.10 and later), and on every Node
// version every call settles CANCELLED and the next call succeeds.
import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { startFaultProxy } from "../helpers/fault-proxy.js";
import { Echo } from "../helpers/echo.js";
import { startServer } from "../helpers/start-server.js";
import { outcomeOf } from "./counting-echo.js";

const CALLS = 3_000;
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const HAS_RESET_RATE_OPTIONS = major > 22 || (major === 22 && minor >= 10);

describe("#10 mass cancellation", () => {
  it(`cancels ${CALLS} streaming calls at once: each settles CANCELLED and the connection ${HAS_RESET_RATE_OPTIONS ? "stays up" : "may be replaced (Node 20 keeps nghttp2's fixed reset limit)"}`, async () => {
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream(_request, ctx) {
          yield { index: 0 };
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        },
        async unary() {
          return { message: "still here" };
        },
      }),
    );
    // Through a passing proxy, which counts the connections the client makes.
    const proxy = await startFaultProxy(port);
    const client = createClient(Echo, { address: proxy.address });
    try {
      await client.unary({});
      const controller = new AbortController();
      const calls = Array.from({ length: CALLS }, () => client.serverStream({}, { signal: controller.signal }));
      // Every call is running (its first reply arrived) before they are all cancelled together.
      await Promise.all(calls.map((call) => call[Symbol.asyncIterator]().next()));
      controller.abort();
      const outcomes = await Promise.all(
        calls.map((call) =>
          outcomeOf(async () => {
            for await (const _ of call);
          }),
        ),
      );
      for (const outcome of outcomes) {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.code).toBe(Status.CANCELLED);
      }
      // Node 20's server ends the connection with GOAWAY(INTERNAL_ERROR) once the resets pass
      // nghttp2's fixed burst; a call that raced that GOAWAY fails with UNAVAILABLE (retryable).
      const racing = await outcomeOf(() => client.unary({}, { timeoutMs: 10_000 }));
      if (HAS_RESET_RATE_OPTIONS || !racing.ok) expect(racing.ok || racing.code === Status.UNAVAILABLE).toBe(true);
      if (HAS_RESET_RATE_OPTIONS) expect(racing.ok).toBe(true);
      expect((await client.unary({}, { timeoutMs: 10_000, waitForReady: true })).message).toBe("still here");
      if (HAS_RESET_RATE_OPTIONS) expect(proxy.connections).toBe(1);
    } finally {
      closeClient(client);
      await proxy.close();
    }
  }, 60_000);
});
