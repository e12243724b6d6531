import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { Metadata } from "../../src/metadata.js";
import type { ServerCallContext } from "../../src/server/call-context.js";
import { Echo } from "../helpers/echo.js";
import { EchoClient, collectStream } from "../helpers/grpc-js-peer.js";
import { startServer } from "../helpers/start-server.js";

describe("metadata both ways", () => {
  it("hands the handler request metadata, text and -bin, without reserved headers", async () => {
    let seen: Metadata | undefined;
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary(_request, ctx) {
          seen = ctx.metadata;
          return {};
        },
      }),
    );
    const client = new EchoClient(address);
    const md = new grpc.Metadata();
    md.set("x-user", "ada");
    md.add("x-multi", "1");
    md.add("x-multi", "2");
    md.set("x-trace-bin", Buffer.from([0, 1, 2, 255]));
    await client.unary({}, { metadata: md });
    client.close();
    expect(seen?.get("x-user")).toBe("ada");
    // Repeated header fields stay separate values (node:http2's header object would join them "1, 2").
    expect(seen?.getAll("x-multi")).toEqual(["1", "2"]);
    expect([...(seen?.get("x-trace-bin") ?? [])]).toEqual([0, 1, 2, 255]);
    expect(seen?.has("content-type")).toBe(false);
    expect(seen?.has("grpc-accept-encoding")).toBe(false);
    expect(seen?.has(":path")).toBe(false);
  });

  it("sends ctx.header with the response headers and ctx.trailer with the status", async () => {
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary(_request, ctx) {
          ctx.header.set("x-header", "h");
          ctx.trailer.set("x-trailer", "t");
          ctx.trailer.set("x-trailer-bin", new Uint8Array([9, 8, 7]));
          return {};
        },
      }),
    );
    const client = new EchoClient(address);
    const { headers, trailers } = await client.unary({});
    client.close();
    expect(headers.get("x-header")).toEqual(["h"]);
    expect(trailers.get("x-trailer")).toEqual(["t"]);
    expect([...(trailers.get("x-trailer-bin")[0] as Buffer)]).toEqual([9, 8, 7]);
  });

  it("sends headers early with sendHeader, before the first message, and refuses a second sendHeader", async () => {
    let secondError: unknown;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream(_request, ctx: ServerCallContext) {
          ctx.sendHeader(new Metadata({ "x-early": "yes" }));
          try {
            ctx.sendHeader();
          } catch (error) {
            secondError = error;
          }
          await released;
          yield { message: "after headers" };
        },
      }),
    );
    const client = new EchoClient(address);
    const stream = client.serverStream({});
    const headers = await new Promise<grpc.Metadata>((resolve) => stream.once("metadata", resolve));
    expect(headers.get("x-early")).toEqual(["yes"]);
    release();
    expect(await collectStream(stream)).toHaveLength(1);
    client.close();
    expect(String(secondError)).toContain("FAILED_PRECONDITION");
  });

  it("gives the handler the peer address and the method", async () => {
    let peer = "";
    let path = "";
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary(_request, ctx) {
          peer = ctx.peer;
          path = ctx.method.path;
          return {};
        },
      }),
    );
    const client = new EchoClient(address);
    await client.unary({});
    client.close();
    expect(peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(path).toBe("/h2grpc.test.Echo/Unary");
  });
});

describe("IPv6", () => {
  it("listens on ::1 and reports the peer as [::1]:port", async () => {
    let peer = "";
    const { port } = await startServer(
      (s) =>
        s.addService(Echo, {
          async unary(_request, ctx) {
            peer = ctx.peer;
            return {};
          },
        }),
      {},
      { host: "::1" },
    );
    const client = new EchoClient(`[::1]:${port}`);
    await client.unary({});
    client.close();
    expect(peer).toMatch(/^\[::1\]:\d+$/);
  });
});
