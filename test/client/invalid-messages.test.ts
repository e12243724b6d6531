// #12: a request that does not fit its type fails before anything is sent, with INVALID_ARGUMENT
// naming the field; a handler's response that does not fit fails the call with INTERNAL, and only
// onCallError learns which field (the client gets a generic message).
import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { startServer } from "../helpers/start-server.js";
import { Echo } from "../helpers/echo.js";

describe("messages that do not fit their type", () => {
  it.each([
    [{ message: { a: 1 } }, "h2grpc.test.EchoRequest.message: expected string, got an object"],
    [{ message: 5 }, "h2grpc.test.EchoRequest.message: expected string, got the number 5"],
    [{ count: "abc" }, "h2grpc.test.EchoRequest.count: expected int32 (an integer from -2147483648 to 2147483647), got a string"],
    [{ count: 2 ** 40 }, "h2grpc.test.EchoRequest.count: expected int32 (an integer from -2147483648 to 2147483647), got the number 1099511627776"],
    [{ id: "notanumber" }, "h2grpc.test.EchoRequest.id: expected int64 (an integer number or decimal string from -9223372036854775808 to 9223372036854775807), got a string"],
  ])("a client request %j fails with INVALID_ARGUMENT before it is sent", async (request, detail) => {
    const handled: string[] = [];
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary(fitting) {
          handled.push(`unary ${fitting.message}`);
          return {};
        },
        async *bidi(requests) {
          for await (const fitting of requests) handled.push(`bidi ${fitting.message}`);
        },
      }),
    );
    const client = createClient(Echo, { address });
    try {
      const unary = await rejectionOf(() => client.unary(request as never));
      expect(unary.code).toBe(Status.INVALID_ARGUMENT);
      expect(unary.details).toBe(`message does not fit its type: ${detail}`);
      const bidi = await rejectionOf(async () => {
        for await (const _ of client.bidi([{ message: "fits" }, request as never])) void _;
      });
      expect(bidi.code).toBe(Status.INVALID_ARGUMENT);
      expect(await client.unary({ message: "last" })).toMatchObject({});
      // Nothing that did not fit reached a handler. The bidi call's first request may or may not
      // have, depending on whether the server read it before the client's reset arrived.
      expect(handled.filter((entry) => entry !== "bidi fits")).toEqual(["unary last"]);
    } finally {
      closeClient(client);
    }
  });

  it("a handler's response that does not fit fails the call with INTERNAL; onCallError gets the field, the client does not", async () => {
    const reported: unknown[] = [];
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          async unary() {
            return { index: "three" } as never;
          },
          async *serverStream() {
            yield { message: "fits" };
            yield { payload: "not bytes" } as never;
          },
        }),
      { onCallError: (error) => void reported.push(error) },
    );
    const client = createClient(Echo, { address });
    try {
      const unary = await rejectionOf(() => client.unary({}));
      expect(unary.code).toBe(Status.INTERNAL);
      expect(unary.details).toBe("the server's response does not fit its message type");
      const received: unknown[] = [];
      const stream = await rejectionOf(async () => {
        for await (const reply of client.serverStream({})) received.push(reply);
      });
      expect(stream.code).toBe(Status.INTERNAL);
      expect(received).toHaveLength(1);
      expect(reported.map((error) => (error as Error).message)).toEqual([
        "[INTERNAL] the response does not fit its type: h2grpc.test.EchoReply.index: expected int32 (an integer from -2147483648 to 2147483647), got a string",
        "[INTERNAL] the response does not fit its type: h2grpc.test.EchoReply.payload: expected bytes (a Uint8Array), got a string",
      ]);
    } finally {
      closeClient(client);
    }
  });
});
