// Slowloris-style: clients open many server-streaming calls and never read the responses. HTTP/2
// flow control must stop every handler (the generator is not pulled while its stream is full), so
// the server's memory stays bounded, and close({graceMs}) still ends everything.
import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { connectRaw, grpcHeaders } from "../helpers/raw-h2.js";
import { SERVER_STREAM, echoFrame, expectServing, failOnProcessErrors, sessionClosed, startTargetServer } from "./target-server.js";

failOnProcessErrors();

const CONNECTIONS = 4;
const STREAMS_PER_CONNECTION = 100;
const PAYLOAD_BYTES = 16 * 1024;
// Each call asks for 10 000 replies of 16 KiB: 160 MiB per call, 62.5 GiB in all if nothing held them back.
const REPLIES_PER_CALL = 10_000;

function externalBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe("clients that never read", () => {
  it("keeps memory bounded while 400 streaming calls are not read, and close({graceMs}) ends them", async () => {
    const { port, close } = await startTargetServer();
    const before = externalBytes();
    const sessions: http2.ClientHttp2Session[] = [];
    const firstData: Promise<void>[] = [];
    const streams: http2.ClientHttp2Stream[] = [];
    const request = echoFrame("flood", { count: REPLIES_PER_CALL, payload: new Uint8Array(PAYLOAD_BYTES) });
    for (let c = 0; c < CONNECTIONS; c++) {
      const session = connectRaw(port);
      sessions.push(session);
      for (let s = 0; s < STREAMS_PER_CONNECTION; s++) {
        const stream = session.request(grpcHeaders(SERVER_STREAM));
        stream.on("error", () => {});
        stream.end(request);
        // One 'data' event proves the handler runs; then the stream is paused and never read again.
        firstData.push(new Promise((resolve) => stream.once("data", () => (stream.pause(), resolve()))));
        streams.push(stream);
      }
    }
    // Only the first calls of each connection get data before the 64 KiB connection window is
    // full; the rest are blocked in the server. Wait for at least one per connection.
    await Promise.race([Promise.all(firstData), Promise.all(sessions.map((session) => firstDataOn(streams, session)))]);
    let peak = 0;
    for (let sample = 0; sample < 10; sample++) {
      await new Promise((resolve) => setTimeout(resolve, 30)); // sampling the heap over time; no event marks "stalled"
      peak = Math.max(peak, externalBytes() - before);
    }
    // Bounded by windows and stream buffers (a few MiB), not by the 62.5 GiB the handlers would make.
    expect(peak).toBeLessThan(128 * 1024 * 1024);
    await expectServing(port);
    const started = Date.now();
    await close(100);
    expect(Date.now() - started).toBeLessThan(5_000);
    await Promise.all(sessions.map(sessionClosed));
  });
});

function firstDataOn(streams: readonly http2.ClientHttp2Stream[], session: http2.ClientHttp2Session): Promise<void> {
  const own = streams.filter((stream) => stream.session === session);
  return Promise.race(own.map((stream) => new Promise<void>((resolve) => stream.once("data", () => resolve()))));
}
