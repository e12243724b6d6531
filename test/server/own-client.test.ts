// Cross-checks with h2grpc's own client (the rest of test/server uses grpc-js as the client).
import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Metadata } from "../../src/metadata.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { startServer } from "../helpers/start-server.js";

async function startEcho(options = {}) {
  const { address } = await startServer(
    (s) =>
      s.addService(Echo, {
        async unary(r, ctx) {
          if (r.message === "fail") throw new GrpcError(Status.NOT_FOUND, "no such thing", new Metadata({ "x-why": "test" }));
          if (r.message === "slow") await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          ctx.trailer.set("x-trailer", "t");
          return { message: `echo:${r.message}` };
        },
        async *serverStream(r) {
          for (let i = 0; i < r.count; i++) yield { index: i };
        },
        async clientStream(requests) {
          const parts: string[] = [];
          for await (const r of requests) parts.push(r.message);
          return { message: parts.join("+") };
        },
        async *bidi(requests) {
          for await (const r of requests) yield { message: r.message.toUpperCase() };
        },
      }),
    options,
  );
  const client = createClient(Echo, { address });
  return client;
}

describe("the server with h2grpc's own client", () => {
  it("serves the four kinds", async () => {
    const client = await startEcho();
    try {
      expect((await client.unary({ message: "a" })).message).toBe("echo:a");
      const indexes: number[] = [];
      for await (const r of client.serverStream({ count: 3 })) indexes.push(r.index);
      expect(indexes).toEqual([0, 1, 2]);
      expect((await client.clientStream([{ message: "x" }, { message: "y" }])).message).toBe("x+y");
      const replies: string[] = [];
      for await (const r of client.bidi([{ message: "p" }, { message: "q" }])) replies.push(r.message);
      expect(replies).toEqual(["P", "Q"]);
    } finally {
      closeClient(client);
    }
  });

  it("delivers a GrpcError with its code, details and metadata, and trailers of a successful call", async () => {
    const client = await startEcho();
    try {
      const error = (await client.unary({ message: "fail" }).catch((e: unknown) => e)) as GrpcError;
      expect(error).toBeInstanceOf(GrpcError);
      expect(error.code).toBe(Status.NOT_FOUND);
      expect(error.details).toBe("no such thing");
      expect(error.metadata.get("x-why")).toBe("test");
      let trailer: Metadata | undefined;
      await client.unary({ message: "ok" }, { onTrailer: (t: Metadata) => (trailer = t) });
      expect(trailer?.get("x-trailer")).toBe("t");
    } finally {
      closeClient(client);
    }
  });

  it("ends a call at the deadline with DEADLINE_EXCEEDED", async () => {
    const client = await startEcho();
    try {
      const error = (await client.unary({ message: "slow" }, { timeoutMs: 100 }).catch((e: unknown) => e)) as GrpcError;
      expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    } finally {
      closeClient(client);
    }
  });

  it("round-trips gzip in both directions", async () => {
    const client = await startEcho({ compression: "gzip" });
    try {
      const big = "z".repeat(50_000);
      expect((await client.unary({ message: big }, { compression: "gzip" })).message).toBe(`echo:${big}`);
    } finally {
      closeClient(client);
    }
  });
});
