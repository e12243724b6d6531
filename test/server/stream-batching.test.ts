// Server streaming writes the responses that are ready in one turn as one buffer (ServerCall.send,
// codec/frame-batch.ts). Batching must not change what the client sees: every response yielded
// arrives, whole and in order, before the status; whatever ends the call (the handler throwing,
// a response that cannot be sent, the deadline, the client cancelling), and with a reader too
// slow to keep up, where backpressure still stops the handler at its yield.
import { randomBytes } from "node:crypto";
import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { Echo, type EchoReply } from "../helpers/echo.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { failOnProcessErrors } from "../hardening/target-server.js";
import { startServer } from "../helpers/start-server.js";

failOnProcessErrors();

const SERVER_STREAM = Echo.methods.serverStream.path;
const replies = Echo.methods.serverStream.responseSerializer;

/** The replies in a raw response body, decoded; the body must end on a frame boundary. */
function repliesIn(body: Buffer): EchoReply[] {
  const decoder = new FrameDecoder();
  const frames = decoder.push(body);
  decoder.finish();
  return frames.map((frame) => replies.deserialize(frame.payload));
}

function indexes(count: number, from = 0): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

function request(message: string, count: number): Buffer {
  return rawFrame(Echo.methods.serverStream.requestSerializer.serialize({ message, count }));
}

/** A server whose serverStream yields `count` replies in one burst, then ends as `message` says. */
async function startBurstServer(options: { maxSendMessageBytes?: number } = {}) {
  // The handler's finally blocks: each resolves the promise of its request's message, if any.
  const finished = new Map<string, () => void>();
  const { port, address } = await startServer(
    (s) =>
      s.addService(Echo, {
        async *serverStream(r, ctx) {
          try {
            for (let i = 0; i < r.count; i++) yield { index: i };
            if (r.message === "throw") throw new GrpcError(Status.ABORTED, "stopped after the burst");
            if (r.message === "misfit") yield { index: "not a number" } as unknown as EchoReply;
            if (r.message === "oversized") yield { message: "x".repeat(4096) };
            if (r.message === "hang") await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
            if (r.message === "forever") for (let i = r.count; ; i++) yield { index: i };
          } finally {
            finished.get(r.message)?.();
          }
        },
      }),
    options,
  );
  return { port, address, finished };
}

/** One call from a raw client: the status, and the indexes of the replies in the order they arrived. */
async function rawCall(port: number, message: string, count: number): Promise<{ status: { code: number; message: string | undefined }; indexes: number[] }> {
  const session = connectRaw(port);
  const response = await sendRaw(session, grpcHeaders(SERVER_STREAM), [request(message, count)]);
  session.close();
  return { status: statusOf(response), indexes: repliesIn(response.body).map((r) => r.index) };
}

describe("server streaming in batches", () => {
  it("delivers a burst of 5000 responses whole and in order, then OK", async () => {
    const { port } = await startBurstServer();
    const { status, indexes: received } = await rawCall(port, "ok", 5000);
    expect(status).toEqual({ code: Status.OK, message: undefined });
    expect(received).toEqual(indexes(5000));
  });

  it("sends every response yielded before the handler throws, then the handler's status", async () => {
    const { port } = await startBurstServer();
    const { status, indexes: received } = await rawCall(port, "throw", 300);
    expect(status).toEqual({ code: Status.ABORTED, message: "stopped after the burst" });
    expect(received).toEqual(indexes(300));
  });

  it("sends the responses before one that does not fit its type, then INTERNAL", async () => {
    const { port } = await startBurstServer();
    const { status, indexes: received } = await rawCall(port, "misfit", 40);
    expect(status.code).toBe(Status.INTERNAL);
    expect(received).toEqual(indexes(40));
  });

  it("sends the responses before one past maxSendMessageBytes, then RESOURCE_EXHAUSTED", async () => {
    const { port } = await startBurstServer({ maxSendMessageBytes: 1024 });
    const { status, indexes: received } = await rawCall(port, "oversized", 40);
    expect(status.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(received).toEqual(indexes(40));
  });

  it("delivers the burst before DEADLINE_EXCEEDED when the handler then waits past the deadline", async () => {
    const { address } = await startBurstServer();
    const client = createClient(Echo, { address });
    const received: number[] = [];
    let error: unknown;
    try {
      for await (const reply of client.serverStream({ message: "hang", count: 200 }, { timeoutMs: 500 })) received.push(reply.index);
    } catch (caught) {
      error = caught;
    }
    closeClient(client);
    expect(error).toBeInstanceOf(GrpcError);
    expect((error as GrpcError).code).toBe(Status.DEADLINE_EXCEEDED);
    expect(received).toEqual(indexes(200));
  });

  it("stops the handler (its finally runs) when the client cancels mid-stream; what arrived is in order", async () => {
    const { address, finished } = await startBurstServer();
    const handlerFinished = new Promise<void>((resolve) => finished.set("forever", resolve));
    const client = createClient(Echo, { address });
    const controller = new AbortController();
    const received: number[] = [];
    let error: unknown;
    try {
      for await (const reply of client.serverStream({ message: "forever", count: 0 }, { signal: controller.signal })) {
        received.push(reply.index);
        if (received.length === 1000) controller.abort();
      }
    } catch (caught) {
      error = caught;
    }
    expect((error as GrpcError).code).toBe(Status.CANCELLED);
    expect(received).toEqual(indexes(received.length));
    expect(received.length).toBeGreaterThanOrEqual(1000);
    await handlerFinished;
    // The server goes on serving.
    const after: number[] = [];
    for await (const reply of client.serverStream({ message: "ok", count: 3 })) after.push(reply.index);
    expect(after).toEqual([0, 1, 2]);
    closeClient(client);
  });

  it("stops a handler of compressed responses at its yield while the client does not read", async () => {
    const COUNT = 20_000;
    const PAYLOAD_BYTES = 1024;
    let yielded = 0;
    const { port } = await startServer(
      (s) =>
        s.addService(Echo, {
          async *serverStream(r) {
            for (let i = 0; i < r.count; i++, yielded++) yield { index: i, payload: randomBytes(PAYLOAD_BYTES) };
          },
        }),
      { compression: "gzip" },
    );
    const session = connectRaw(port);
    const stream = session.request(grpcHeaders(SERVER_STREAM, { "grpc-accept-encoding": "gzip" }));
    stream.on("error", () => {});
    stream.end(request("slow", COUNT));
    const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("response", resolve));
    expect(headers["grpc-encoding"]).toBe("gzip");
    await new Promise<void>((resolve) => stream.once("data", () => (stream.pause(), resolve())));
    // As above: time only lets a handler without backpressure run further ahead.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    // Random payloads do not shrink: the window, the stream's buffer and a response or two.
    expect(yielded * PAYLOAD_BYTES).toBeLessThan(512 * 1024);
    stream.close();
    session.close();
  });

  it("stops a handler at its yield while the client does not read, then delivers everything in order", async () => {
    const COUNT = 20_000;
    const PAYLOAD_BYTES = 1024;
    let yielded = 0;
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream(r) {
          const payload = new Uint8Array(PAYLOAD_BYTES);
          for (let i = 0; i < r.count; i++, yielded++) yield { index: i, payload };
        },
      }),
    );
    const session = connectRaw(port);
    const stream = session.request(grpcHeaders(SERVER_STREAM));
    stream.on("error", () => {});
    stream.end(request("slow", COUNT));
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => stream.once("data", (chunk: Buffer) => (chunks.push(chunk), stream.pause(), resolve())));
    // Give the handler time to run ahead if backpressure failed; no event marks "stalled", and a
    // slower machine only lets it yield less, so the bound below cannot fail from load.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    // The 64 KiB flow-control window, the stream's 16 KiB buffer and one 16 KiB batch: a few
    // hundred replies, not the 20 MiB the handler would make unchecked.
    expect(yielded * PAYLOAD_BYTES).toBeLessThan(512 * 1024);
    const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("trailers", resolve));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.resume();
    const closed = new Promise((resolve) => stream.once("close", resolve));
    expect((await trailers)["grpc-status"]).toBe("0");
    await closed;
    session.close();
    expect(repliesIn(Buffer.concat(chunks)).map((r) => r.index)).toEqual(indexes(COUNT));
  });
});
