import http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import type { ServiceClient } from "../../src/client/service-client.js";
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { collect, Echo, type EchoRequest } from "../helpers/echo.js";
import { startGrpcJsServer, type GrpcJsPeer } from "../helpers/grpc-js-peer.js";
import type { EchoDefinition } from "../helpers/echo.js";
import { startRawServer, type RawServer } from "./raw-server.js";


let raw: RawServer | undefined;
let peer: GrpcJsPeer | undefined;
let client: ServiceClient<EchoDefinition> | undefined;
afterEach(async () => {
  if (client !== undefined) closeClient(client);
  await raw?.close();
  await peer?.close();
  raw = peer = client = undefined;
});

/** A server that accepts every stream and never answers; resolves each stream's received RST code. */
async function silentServer(): Promise<{ address: string; resets: Promise<number>[]; firstStream: Promise<void> }> {
  const resets: Promise<number>[] = [];
  let streamArrived!: () => void;
  const firstStream = new Promise<void>((resolve) => (streamArrived = resolve));
  raw = await startRawServer((stream) => {
    streamArrived();
    stream.on("data", () => {});
    resets.push(new Promise((resolve) => stream.on("close", () => resolve(stream.rstCode ?? -1))));
  });
  return { address: raw.address, resets, firstStream };
}

describe("deadlines", () => {
  it("a unary call against a server that never answers fails DEADLINE_EXCEEDED and resets the stream with CANCEL", async () => {
    const server = await silentServer();
    client = createClient(Echo, { address: server.address });
    const started = Date.now();
    const error = await rejectionOf(() => client!.unary({ message: "x" }, { timeoutMs: 200 }));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(await server.resets[0]).toBe(http2.constants.NGHTTP2_CANCEL);
  });

  it("a server stream that stalls fails DEADLINE_EXCEEDED during iteration", async () => {
    const server = await silentServer();
    client = createClient(Echo, { address: server.address });
    const error = await rejectionOf(async () => {
      for await (const _ of client!.serverStream({ message: "x" }, { deadline: Date.now() + 150 })) void _;
    });
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    expect(await server.resets[0]).toBe(http2.constants.NGHTTP2_CANCEL);
  });

  it("an already expired deadline fails without sending anything", async () => {
    const server = await silentServer();
    client = createClient(Echo, { address: server.address });
    const error = await rejectionOf(() => client!.unary({ message: "x" }, { deadline: Date.now() - 1 }));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
  });

  it("the error's stack shows the caller's line", async () => {
    const server = await silentServer();
    client = createClient(Echo, { address: server.address });
    // A unary error carries the stack of the code that awaits the call (V8's async stack trace:
    // free unless the call fails); the first frame is the test's own line, not h2grpc's internals.
    const error = await rejectionOf(async () => await client!.unary({ message: "x" }, { timeoutMs: 20 }));
    expect(error.stack?.split("\n")[1]).toContain("deadline-cancel.test.ts");
    expect(error.stack).not.toContain("src/client/");
    expect(error.stack).toMatch(/^GrpcError: \[DEADLINE_EXCEEDED\]/);
    const stream = client!.serverStream({ message: "x" }, { timeoutMs: 20 });
    const streamError = await rejectionOf(async () => {
      for await (const _ of stream) void _;
    });
    expect(streamError.stack?.split("\n")[1]).toContain("deadline-cancel.test.ts");
  });
});

describe("cancellation", () => {
  it("aborting the signal fails the call with CANCELLED and resets the stream", async () => {
    const server = await silentServer();
    client = createClient(Echo, { address: server.address });
    const controller = new AbortController();
    const call = client.unary({ message: "x" }, { signal: controller.signal });
    await server.firstStream;
    controller.abort();
    const error = await rejectionOf(() => call);
    expect(error.code).toBe(Status.CANCELLED);
    expect(await server.resets[0]).toBe(http2.constants.NGHTTP2_CANCEL);
  });

  it("a signal aborted before the call fails it with CANCELLED without opening a stream", async () => {
    const server = await silentServer();
    client = createClient(Echo, { address: server.address });
    const error = await rejectionOf(() => client!.unary({ message: "x" }, { signal: AbortSignal.abort() }));
    expect(error.code).toBe(Status.CANCELLED);
    expect(raw!.requests).toHaveLength(0);
  });

  it("breaking out of for-await over a server stream cancels the call on the server", async () => {
    let serverSawCancel!: () => void;
    const cancelled = new Promise<void>((resolve) => (serverSawCancel = resolve));
    peer = await startGrpcJsServer({
      ServerStream(call: grpc.ServerWritableStream<EchoRequest, unknown>) {
        call.on("cancelled", serverSawCancel);
        let index = 0;
        const timer = setInterval(() => call.write({ message: "tick", index: index++ }), 5);
        call.on("cancelled", () => clearInterval(timer));
      },
    });
    client = createClient(Echo, { address: peer.address });
    const seen: unknown[] = [];
    for await (const reply of client.serverStream({ message: "x" })) {
      seen.push(reply);
      if (seen.length === 3) break;
    }
    await cancelled;
    expect(seen).toHaveLength(3);
  });

  it("cancel() on a bidi call object fails iteration with CANCELLED and the server sees the cancel", async () => {
    let serverSawCancel!: () => void;
    const cancelled = new Promise<void>((resolve) => (serverSawCancel = resolve));
    peer = await startGrpcJsServer({
      Bidi(call: grpc.ServerDuplexStream<EchoRequest, unknown>) {
        call.on("cancelled", serverSawCancel);
        call.on("data", (request: EchoRequest) => call.write({ message: request.message }));
      },
    });
    client = createClient(Echo, { address: peer.address });
    const call = client.bidi();
    await call.write({ message: "one" });
    const iterator = call[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ message: "one" });
    call.cancel();
    const error = await rejectionOf(() => iterator.next());
    expect(error.code).toBe(Status.CANCELLED);
    await cancelled;
    expect((await call.trailers).size).toBe(0);
    await expect(call.write({ message: "late" })).rejects.toMatchObject({ code: Status.CANCELLED });
  });
});

describe("deadline options", () => {
  it("a timeoutMs that is not a number fails INVALID_ARGUMENT; an infinite one means no deadline", async () => {
    const peerWithReply = await startGrpcJsServer({
      Unary(_call: grpc.ServerUnaryCall<EchoRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
        callback(null, { message: "ok" });
      },
    });
    peer = peerWithReply;
    client = createClient(Echo, { address: peerWithReply.address });
    expect((await rejectionOf(() => client!.unary({}, { timeoutMs: Number.NaN }))).code).toBe(Status.INVALID_ARGUMENT);
    expect((await rejectionOf(() => collect(client!.serverStream({}, { timeoutMs: Number.NaN })))).code).toBe(Status.INVALID_ARGUMENT);
    expect(await client.unary({}, { timeoutMs: Infinity })).toMatchObject({ message: "ok" });
  });
});
