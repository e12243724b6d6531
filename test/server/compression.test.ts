import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { gzipSync } from "node:zlib";
import { Echo } from "../helpers/echo.js";
import { EchoClient, collectStream } from "../helpers/grpc-js-peer.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { startServer } from "../helpers/start-server.js";
import { Status } from "../../src/status.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";

const serializeRequest = (value: object) => Echo.methods.unary!.requestSerializer.serialize(value);
const gzipClient = (address: string) =>
  new EchoClient(address, grpc.credentials.createInsecure(), { "grpc.default_compression_algorithm": 2 /* gzip */ });

describe("compression", () => {
  it("decodes a gzip request and answers with gzip when the server asks for it and the client accepts it", async () => {
    const { address } = await startServer(
      (s) => s.addService(Echo, { async unary(r: { message: string }) { return { message: r.message.toUpperCase() }; } }),
      { compression: "gzip" },
    );
    const client = gzipClient(address);
    const { reply } = await client.unary({ message: "x".repeat(10_000) });
    client.close();
    expect(reply.message).toBe("X".repeat(10_000));
  });

  it("sends grpc-encoding and compressed frames only when the client's grpc-accept-encoding lists the encoding", async () => {
    const { port } = await startServer(
      (s) => s.addService(Echo, { async unary() { return { message: "y".repeat(1000) }; } }),
      { compression: "gzip" },
    );
    const session = connectRaw(port);
    const accepting = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Unary", { "grpc-accept-encoding": "identity,gzip" }), [rawFrame(serializeRequest({}))]);
    const notAccepting = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Unary", { "grpc-accept-encoding": "identity" }), [rawFrame(serializeRequest({}))]);
    session.close();
    expect(accepting.headers["grpc-encoding"]).toBe("gzip");
    expect(new FrameDecoder().push(accepting.body)[0]?.compressed).toBe(true);
    expect(notAccepting.headers["grpc-encoding"]).toBeUndefined();
    expect(new FrameDecoder().push(notAccepting.body)[0]?.compressed).toBe(false);
  });

  it("accepts a gzip-compressed request frame from a raw client", async () => {
    const { port } = await startServer((s) => s.addService(Echo, { async unary(r: { message: string }) { return { message: r.message }; } }));
    const session = connectRaw(port);
    const compressed = rawFrame(gzipSync(serializeRequest({ message: "zipped" })), 1);
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Unary", { "grpc-encoding": "gzip" }), [compressed]);
    session.close();
    expect(statusOf(response).code).toBe(Status.OK);
    const frame = new FrameDecoder().push(response.body)[0]!;
    expect((Echo.methods.unary!.responseSerializer.deserialize(frame.payload) as { message: string }).message).toBe("zipped");
  });

  it("toggles compression per message with ctx.setCompression, sending grpc-encoding once", async () => {
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream(_request, ctx) {
          ctx.setCompression("gzip");
          yield { message: "compressed" };
          ctx.setCompression("identity");
          yield { message: "plain" };
          ctx.setCompression("gzip");
          yield { message: "compressed again" };
        },
      }),
    );
    const session = connectRaw(port);
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/ServerStream", { "grpc-accept-encoding": "gzip" }), [rawFrame(serializeRequest({}))]);
    session.close();
    expect(response.headers["grpc-encoding"]).toBe("gzip");
    expect(new FrameDecoder().push(response.body).map((f) => f.compressed)).toEqual([true, false, true]);
  });

  it("lets grpc-js read per-message toggled compression", async () => {
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream(_request, ctx) {
          for (let i = 0; i < 4; i++) {
            ctx.setCompression(i % 2 === 0 ? "gzip" : "identity");
            yield { index: i, message: "m".repeat(500) };
          }
        },
      }),
    );
    const client = gzipClient(address);
    expect((await collectStream(client.serverStream({}))).map((r) => r.index)).toEqual([0, 1, 2, 3]);
    client.close();
  });

  it("refuses ctx.setCompression of an unknown encoding with INVALID_ARGUMENT", async () => {
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary(_request, ctx) {
          ctx.setCompression("brotli");
          return {};
        },
      }),
    );
    const client = new EchoClient(address);
    const error = (await client.unary({}).catch((e: unknown) => e)) as grpc.ServiceError;
    client.close();
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
  });
});
