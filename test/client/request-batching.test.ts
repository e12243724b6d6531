// Client streaming and bidi write the requests that are ready in one turn as one buffer
// (client/call/request-pump.ts, codec/batched-writer.ts). Batching must not change what the server
// sees: every request arrives whole and in order, compressed ones among them; backpressure still
// stops the request source once the stream is full; and whatever ends the call (deadline, cancel)
// ends it cleanly, with nothing reported sent that was not written.
import http2 from "node:http2";
import { getDefaultHighWaterMark } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { BATCH_BYTES } from "../../src/codec/batched-writer.js";
import { FrameDecoder } from "../../src/framing/frame-decoder.js";
import { encodeFrame } from "../../src/framing/frame.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { addCallObserver } from "../../src/telemetry/observers.js";
import { Http2ClientStream } from "../../src/transport/http2-client-stream.js";
import { Echo, type EchoRequest } from "../helpers/echo.js";
import { failOnProcessErrors } from "../hardening/target-server.js";
import { startRawServer, type RawServer } from "./raw-server.js";

failOnProcessErrors();

const requestSerializer = Echo.methods.clientStream.requestSerializer;
const replySerializer = Echo.methods.clientStream.responseSerializer;

/** What the raw server saw of one call: its bytes and the requests, decoded. */
interface Received {
  bytes: number;
  compressed: boolean[];
  requests: EchoRequest[];
}

const servers: RawServer[] = [];
const clients: object[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const client of clients.splice(0)) closeClient(client);
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * A raw server that reads each call to its end, then answers one reply (index: how many requests)
 * and OK; `received` resolves with what it saw (at the end, or the reset). Gzip frames are inflated.
 */
async function startCountingServer(): Promise<{ address: string; received: Promise<Received> }> {
  let report!: (received: Received) => void;
  const received = new Promise<Received>((resolve) => (report = resolve));
  const server = await startRawServer((stream) => {
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    const seen: Received = { bytes: 0, compressed: [], requests: [] };
    stream.on("data", (chunk: Buffer) => {
      seen.bytes += chunk.length;
      for (const frame of decoder.push(chunk)) {
        seen.compressed.push(frame.compressed);
        seen.requests.push(requestSerializer.deserialize(frame.compressed ? gunzipSync(frame.payload) : frame.payload) as EchoRequest);
      }
    });
    stream.on("close", () => report(seen)); // a cancelled call: what arrived before the reset
    stream.on("end", () => {
      decoder.finish();
      report(seen);
      if (stream.destroyed) return;
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(encodeFrame(replySerializer.serialize({ index: seen.requests.length })));
    });
  });
  servers.push(server);
  return { address: server.address, received };
}

function track<C extends object>(client: C): C {
  clients.push(client);
  return client;
}

function* numbered(count: number): Generator<{ count: number }> {
  for (let i = 0; i < count; i++) yield { count: i };
}

const indexesOf = (requests: readonly EchoRequest[]): number[] => requests.map((request) => request.count);
const upTo = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/** Records the writes the client makes on its HTTP/2 streams (the transport seam): [messages, bytes] each. */
function recordStreamWrites(): [messages: number, bytes: number][] {
  const writes: [number, number][] = [];
  const sendFrame = Http2ClientStream.prototype.sendFrame;
  vi.spyOn(Http2ClientStream.prototype, "sendFrame").mockImplementation(function (this: Http2ClientStream, frames, isLast, messages = 1) {
    writes.push([messages, frames.length]);
    return sendFrame.call(this, frames, isLast, messages);
  });
  return writes;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

describe("client streaming and bidi requests in batches", () => {
  it("sends 10,000 small requests from a sync generator in a few 16 KiB writes, every one in order", async () => {
    const { address, received } = await startCountingServer();
    const client = track(createClient(Echo, { address }));
    const writes = recordStreamWrites();
    const reply = await client.clientStream(numbered(10_000));
    expect(reply.index).toBe(10_000);
    const seen = await received;
    expect(indexesOf(seen.requests)).toEqual(upTo(10_000));
    // About 70 KB of frames: a write per 16 KiB, not one per request; each counts its messages.
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(seen.bytes / 16_384) + 1);
    expect(sum(writes.map(([messages]) => messages))).toBe(10_000);
    expect(sum(writes.map(([, bytes]) => bytes))).toBe(seen.bytes);
  });

  it("sends the messages a bidi call writes in one turn together, resolving every write once it was sent", async () => {
    const { address, received } = await startCountingServer();
    const client = track(createClient(Echo, { address }));
    const streamWrites = recordStreamWrites();
    const call = client.bidi();
    const writes = upTo(2_000).map((i) => call.write({ count: i }));
    call.end();
    await Promise.all(writes);
    const replies: number[] = [];
    for await (const reply of call) replies.push(reply.index);
    expect(replies).toEqual([2_000]);
    const seen = await received;
    expect(indexesOf(seen.requests)).toEqual(upTo(2_000));
    expect(streamWrites.length).toBeLessThanOrEqual(Math.ceil(seen.bytes / 16_384) + 1);
    expect(sum(streamWrites.map(([messages]) => messages))).toBe(2_000);
  });

  it("keeps compressed and uncompressed requests in the order they were written", async () => {
    const { address, received } = await startCountingServer();
    const client = track(createClient(Echo, { address }));
    const call = client.clientStream({ compression: "gzip" });
    const writes = upTo(300).map((i) => call.write({ count: i, message: "m".repeat(i % 7) }, { compress: i % 3 === 0 }));
    call.end();
    await Promise.all(writes);
    expect((await call.response).index).toBe(300);
    const seen = await received;
    expect(indexesOf(seen.requests)).toEqual(upTo(300));
    expect(seen.compressed).toEqual(upTo(300).map((i) => i % 3 === 0));
  });

  it("stops pulling the request source while the server does not read: at most the window, the stream's buffer and one batch ahead", async () => {
    const MESSAGES = 100_000;
    const PAYLOAD = new Uint8Array(100);
    // Counts from 100,000 on all take 3 bytes: every request's frame is frameBytes long.
    const frameBytes = encodeFrame(requestSerializer.serialize({ count: MESSAGES, payload: PAYLOAD })).length;
    let readBytes = 0;
    let pulled = 0;
    let maxAheadBytes = 0;
    let reader: http2.ServerHttp2Stream | undefined;
    const server = await startRawServer((stream) => {
      reader = stream;
      stream.pause(); // reads nothing until the test lets it
      stream.on("data", (chunk: Buffer) => {
        readBytes += chunk.length;
        // Then one chunk per turn of the event loop: a fast client runs ahead as far as it may.
        stream.pause();
        setImmediate(() => stream.resume());
      });
      stream.on("end", () => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(encodeFrame(replySerializer.serialize({ index: readBytes })));
      });
    });
    servers.push(server);
    const client = track(createClient(Echo, { address: server.address }));
    function* offered(): Generator<{ count: number; payload: Uint8Array }> {
      for (let i = 0; i < MESSAGES; i++) {
        pulled++;
        maxAheadBytes = Math.max(maxAheadBytes, pulled * frameBytes - readBytes);
        yield { count: MESSAGES + i, payload: PAYLOAD };
      }
    }
    const response = client.clientStream(offered());
    // No event says "the client stopped"; a slower machine only lets it run ahead less, so the bound
    // below cannot fail from load.
    while (reader === undefined) await delay(10);
    await delay(300);
    const pulledWhileStopped = pulled;
    reader.resume();
    const reply = await response;
    expect(reply.index).toBe(MESSAGES * frameBytes);
    // The server's 64 KiB window (bytes on their way or in its buffer), its stream's read buffer,
    // the client stream's highWaterMark (both 16 KiB on Node 20, 64 KiB from Node 22) and one
    // 16 KiB batch: 110-210 KiB of requests past what the server read, not the 11 MB offered.
    const boundBytes = 65_535 + 2 * getDefaultHighWaterMark(false) + BATCH_BYTES + 2 * frameBytes;
    expect(pulledWhileStopped * frameBytes).toBeLessThanOrEqual(boundBytes);
    expect(maxAheadBytes).toBeLessThanOrEqual(boundBytes);
  });

  it("ends with DEADLINE_EXCEEDED while the request source waits on a full stream, and stops the source", async () => {
    const server = await startRawServer((stream) => stream.pause());
    servers.push(server);
    const client = track(createClient(Echo, { address: server.address }));
    let stopped!: () => void;
    const sourceStopped = new Promise<void>((resolve) => (stopped = resolve));
    function* endless(): Generator<{ count: number; payload: Uint8Array }> {
      try {
        for (let i = 0; ; i++) yield { count: i, payload: new Uint8Array(100) };
      } finally {
        stopped();
      }
    }
    const error = await client.clientStream(endless(), { timeoutMs: 300 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GrpcError);
    expect((error as GrpcError).code).toBe(Status.DEADLINE_EXCEEDED);
    await sourceStopped;
  });

  it("ends with CANCELLED when the request source cancels mid-batch; the server got a whole prefix in order", async () => {
    const { address, received } = await startCountingServer();
    const client = track(createClient(Echo, { address }));
    const controller = new AbortController();
    function* cancelling(): Generator<{ count: number }> {
      for (let i = 0; i < 5_000; i++) {
        if (i === 2_500) controller.abort();
        yield { count: i };
      }
    }
    const error = await client.clientStream(cancelling(), { signal: controller.signal }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((error as GrpcError).code).toBe(Status.CANCELLED);
    const seen = await received;
    expect(indexesOf(seen.requests)).toEqual(upTo(seen.requests.length));
  });

  it("reports none of the writes batched in a turn as sent when the call is cancelled before the turn ends", async () => {
    const { address } = await startCountingServer();
    const client = track(createClient(Echo, { address }));
    const sent: number[] = [];
    const removeObserver = addCallObserver({ onClientCall: () => ({ onAttemptStart: () => ({ onMessageSent: (bytes) => sent.push(bytes) }) }) });
    try {
      const call = client.clientStream();
      await call.write({ count: 0 }); // the stream is open, and the first request went out
      expect(sent).toHaveLength(1);
      const writes = [1, 2, 3].map((i) => call.write({ count: i }).then(
        () => "resolved",
        (caught: unknown) => (caught as GrpcError).code,
      ));
      // Let the request pump take all three (promise jobs), but not the turn end.
      for (let i = 0; i < 50; i++) await Promise.resolve();
      call.cancel();
      expect(await Promise.all(writes)).toEqual([Status.CANCELLED, Status.CANCELLED, Status.CANCELLED]);
      await expect(call.response).rejects.toMatchObject({ code: Status.CANCELLED });
      expect(sent).toHaveLength(1);
    } finally {
      removeObserver();
    }
  });
});
