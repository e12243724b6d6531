// Protocol violations and floods on raw TCP (h2spec-style, RFC 9113): each ends that connection
// (usually with a GOAWAY naming the error), the process stays up, and a normal call on a new
// connection still succeeds.
import { describe, expect, it } from "vitest";
import {
  ErrorCode,
  Flag,
  FrameType,
  PREFACE,
  connectTcp,
  frame,
  grpcRequestHeaders,
  headerBlock,
  headersFrame,
  pingFrame,
  rstStreamFrame,
  settingsAck,
  settingsFrame,
  windowUpdateFrame,
  type RawConnection,
} from "./h2-frames.js";
import { BIDI, UNARY, echoFrame, expectServing, failOnProcessErrors, startTargetServer } from "./target-server.js";
import { requirePeer } from "../helpers/peers.js";

const hasOpenssl = requirePeer("the TLS half of the idle-connection close test", "openssl");

failOnProcessErrors();

// nghttp2 answers most violations with the right GOAWAY itself, but Node then leaves the TCP
// connection open (no JS event fires) until the client leaves; the server's keepalive PING, never
// answered on a terminated session, is what closes it (default every 2 hours, as grpc-go; short here).
const FAST_KEEPALIVE = { keepalive: { timeMs: 200, timeoutMs: 200 } } as const;

/** Connects and sends the client preface plus an empty SETTINGS frame, as every real client does first. */
async function openConnection(port: number): Promise<RawConnection> {
  const connection = await connectTcp(port);
  connection.send(Buffer.concat([PREFACE, settingsFrame(), settingsAck()]));
  return connection;
}

const unaryHeaders = headerBlock(grpcRequestHeaders(UNARY));

describe("connection-level protocol violations end the connection and the server keeps serving", () => {
  it("closes a connection whose preface is HTTP/1.1 instead of HTTP/2", async () => {
    const { port } = await startTargetServer();
    const connection = await connectTcp(port);
    connection.send(Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    await connection.closed;
    await expectServing(port);
  });

  it("closes a connection that sends garbage after a valid preface", async () => {
    const { port } = await startTargetServer();
    const connection = await connectTcp(port);
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    connection.send(Buffer.concat([PREFACE, garbage]));
    await connection.closed;
    await expectServing(port);
  });

  it("closes a connection that half-closes in the middle of a frame", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    connection.send(frame(FrameType.HEADERS, Flag.END_HEADERS, 1, unaryHeaders, unaryHeaders.length + 50));
    connection.socket.end();
    await connection.closed;
    await expectServing(port);
  });

  it("answers HEADERS on stream 0 with a GOAWAY error and closes the connection", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    connection.send(headersFrame(0, unaryHeaders, Flag.END_HEADERS | Flag.END_STREAM));
    // RFC 9113 §6.2 says PROTOCOL_ERROR; Node destroys the session itself and says INTERNAL_ERROR.
    expect(await connection.goaway()).toBeGreaterThan(ErrorCode.NO_ERROR);
    await connection.closed;
    await expectServing(port);
  });

  it("answers DATA on an idle stream with GOAWAY PROTOCOL_ERROR", async () => {
    const { port } = await startTargetServer(FAST_KEEPALIVE);
    const connection = await openConnection(port);
    connection.send(frame(FrameType.DATA, Flag.END_STREAM, 1, echoFrame("never opened")));
    expect(await connection.goaway()).toBe(ErrorCode.PROTOCOL_ERROR);
    await connection.closed;
    await expectServing(port);
  });

  it("answers a frame larger than SETTINGS_MAX_FRAME_SIZE with GOAWAY FRAME_SIZE_ERROR", async () => {
    const { port } = await startTargetServer(FAST_KEEPALIVE);
    const connection = await openConnection(port);
    connection.send(headersFrame(1, unaryHeaders));
    connection.send(frame(FrameType.DATA, 0, 1, Buffer.alloc(16_385)));
    expect(await connection.goaway()).toBe(ErrorCode.FRAME_SIZE_ERROR);
    await connection.closed;
    await expectServing(port);
  });

  it("rejects a frame header announcing 16 MiB before its payload arrives", async () => {
    const { port } = await startTargetServer(FAST_KEEPALIVE);
    const connection = await openConnection(port);
    connection.send(headersFrame(1, unaryHeaders));
    connection.send(frame(FrameType.DATA, 0, 1, Buffer.alloc(0), 0xffffff));
    expect(await connection.goaway()).toBe(ErrorCode.FRAME_SIZE_ERROR);
    await connection.closed;
    await expectServing(port);
  });

  it("answers a connection WINDOW_UPDATE that overflows 2^31-1 with a GOAWAY error and closes the connection", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    connection.send(windowUpdateFrame(0, 0x7fffffff));
    // RFC 9113 §6.9.1 says FLOW_CONTROL_ERROR; Node destroys the session itself and says INTERNAL_ERROR.
    expect(await connection.goaway()).toBeGreaterThan(ErrorCode.NO_ERROR);
    await connection.closed;
    await expectServing(port);
  });

  it("resets a stream whose WINDOW_UPDATE overflows its window with FLOW_CONTROL_ERROR", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    connection.send(headersFrame(1, unaryHeaders));
    connection.send(windowUpdateFrame(1, 0x7fffffff));
    // RFC 9113 §6.9.1 lets the receiver end the stream or the connection: Node 20 sends
    // RST_STREAM(FLOW_CONTROL_ERROR) and then destroys the whole session anyway (its invalid-frame
    // callback reports the nghttp2 error to JS); Node 22 and 24 send GOAWAY(FLOW_CONTROL_ERROR).
    const isFlowControlError = (f: { streamId: number; type: number; payload: Buffer }): boolean =>
      (f.streamId === 1 && f.type === FrameType.RST_STREAM && f.payload.readUInt32BE(0) === ErrorCode.FLOW_CONTROL_ERROR) ||
      (f.streamId === 0 && f.type === FrameType.GOAWAY && f.payload.readUInt32BE(4) === ErrorCode.FLOW_CONTROL_ERROR);
    await until(connection, () => connection.frames.some(isFlowControlError));
    await connection.closed;
    await expectServing(port);
  });
});

describe("floods are bounded", () => {
  it("survives a SETTINGS flood from a client that never reads", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    connection.socket.pause();
    const flood = Buffer.concat(Array.from({ length: 5_000 }, () => settingsFrame([[0x4, 65_535]])));
    connection.send(flood);
    await expectServing(port);
    connection.destroy();
  });

  it("answers a PING flood with GOAWAY ENHANCE_YOUR_CALM (too_many_pings)", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    connection.send(Buffer.concat(Array.from({ length: 1_000 }, (_, i) => pingFrame(i))));
    expect(await connection.goaway()).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    await connection.closed;
    await expectServing(port);
  });

  it("ends a rapid-reset flood (CVE-2023-44487: HEADERS then RST_STREAM, many times)", async () => {
    const FLOOD_PAIRS = 20_000;
    // The default keepalive (2 hours): a fast one could end a flood that a busy machine is slow to
    // read with its own GOAWAY (NO_ERROR) before nghttp2's limit does.
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    const pairs: Buffer[] = [];
    for (let i = 0; i < FLOOD_PAIRS; i++) pairs.push(headersFrame(2 * i + 1, unaryHeaders), rstStreamFrame(2 * i + 1));
    connection.send(Buffer.concat(pairs));
    // nghttp2 ≥ 1.57 rate-limits incoming resets and answers GOAWAY INTERNAL_ERROR once the burst is
    // spent: 1000 on Node 20, the server's streamResetBurst (default 10000) on Node 22.10 and later.
    const goaway = await connection.goaway();
    expect(goaway).toBeGreaterThan(ErrorCode.NO_ERROR);
    const lastStreamId = connection.frames.find((f) => f.type === FrameType.GOAWAY)!.payload.readUInt32BE(0) & 0x7fffffff;
    expect(lastStreamId).toBeLessThan(2 * FLOOD_PAIRS);
    // Node leaves the TCP connection of a session nghttp2 ended open until the client leaves (or
    // the keepalive ping goes unanswered); the session takes no new streams either way.
    connection.destroy();
    await expectServing(port);
  });

  it("ends a PING flood interleaved with DATA on open streams without taking the process down", async () => {
    // The server destroys the session from its 'ping' handler while DATA for open streams is still
    // in the receive buffer: on Node 22 a session destroyed that way from a stream's handler aborts
    // the process (nodejs/node#64850); from the 'ping' handler it must not.
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    const streams = [1, 3, 5];
    const parts = streams.map((id) => headersFrame(id, headerBlock(grpcRequestHeaders(BIDI)), Flag.END_HEADERS));
    for (let i = 0; i < 400; i++) parts.push(pingFrame(i), ...streams.map((id) => frame(FrameType.DATA, 0, id, echoFrame("interleaved"))));
    connection.send(Buffer.concat(parts));
    expect(await connection.goaway()).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    await connection.closed;
    await expectServing(port);
  });

  it("ends a CONTINUATION flood (one header block that never ends)", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    connection.send(headersFrame(1, unaryHeaders, 0));
    const continuation = frame(FrameType.CONTINUATION, 0, 1, headerBlock([["x-flood", "a".repeat(1_000)]]));
    let sent = 0;
    // A vulnerable server keeps buffering the block; a hardened one closes the connection early.
    while (sent < 20_000 && connection.send(continuation)) {
      sent++;
      if (sent % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await connection.closed;
    expect(sent).toBeLessThan(20_000);
    await expectServing(port);
  });
});

describe("header abuse", () => {
  it("answers a request with 1000 metadata pairs without calling a handler", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    const pairs: [string, string][] = Array.from({ length: 1_000 }, (_, i) => [`x-pair-${i}`, "v"]);
    connection.send(headersFrame(1, headerBlock(grpcRequestHeaders(UNARY, pairs)), Flag.END_HEADERS));
    connection.send(frame(FrameType.DATA, Flag.END_STREAM, 1, echoFrame("many pairs")));
    // Node's maxHeaderListPairs (128) resets the stream with ENHANCE_YOUR_CALM (PROTOCOL-HTTP2 maps it
    // to RESOURCE_EXHAUSTED) before our 16 KiB header-list check would answer 431.
    await until(connection, () => connection.frames.some((f) => f.streamId === 1 && f.type === FrameType.RST_STREAM));
    expect(streamResetCode(connection, 1)).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    expect(connection.frames.some((f) => f.streamId === 1 && f.type === FrameType.DATA)).toBe(false);
    connection.destroy();
    await expectServing(port);
  });

  it("bounds an HPACK bomb (one 4 KiB indexed header referenced 4000 times)", async () => {
    const { port } = await startTargetServer();
    const connection = await openConnection(port);
    const value = Buffer.alloc(4_000, "a");
    // Literal with incremental indexing, new name (RFC 7541 §6.2.1): enters the dynamic table at index 62.
    // The value length 4000 as a 7-bit-prefix integer: 127, then 3873 = 33 + 30 * 128.
    const literal = Buffer.concat([Buffer.from([0x40, 0x05]), Buffer.from("x-big"), Buffer.from([0x7f, 0xa1, 0x1e]), value]);
    const references = Buffer.alloc(4_000, 0x80 | 62); // indexed header field 62, one byte each: 16 MB decoded
    const block = Buffer.concat([headerBlock(grpcRequestHeaders(UNARY)), literal, references]);
    for (let offset = 0, first = true; offset < block.length; offset += 16_000, first = false) {
      const chunk = block.subarray(offset, offset + 16_000);
      const isLast = offset + 16_000 >= block.length;
      connection.send(frame(first ? FrameType.HEADERS : FrameType.CONTINUATION, isLast ? Flag.END_HEADERS : 0, 1, chunk));
    }
    await until(connection, () => connection.frames.some((f) => f.streamId === 1 && f.type === FrameType.RST_STREAM));
    expect(streamResetCode(connection, 1)).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    expect(connection.frames.some((f) => f.streamId === 1 && f.type === FrameType.DATA)).toBe(false);
    connection.destroy();
    await expectServing(port);
  });
});

describe("connections and streams that never finish are bounded", () => {
  it("ends a connection that opens more streams than maxConcurrentStreams allows", async () => {
    const { port } = await startTargetServer({ maxConcurrentStreams: 10 });
    const connection = await openConnection(port);
    // Wait for the server's SETTINGS ACK, so the limit is in force for this client too.
    await until(connection, () => connection.frames.some((f) => f.type === FrameType.SETTINGS && (f.flags & Flag.ACK) !== 0));
    connection.send(Buffer.concat(Array.from({ length: 50 }, (_, i) => headersFrame(2 * i + 1, unaryHeaders))));
    // RFC 9113 §5.1.2 allows REFUSED_STREAM for the excess streams only; nghttp2 reports a
    // protocol error and Node 20 destroys the session (GOAWAY INTERNAL_ERROR): the connection is
    // the unit that is bounded, never more than 10 calls run for it.
    expect(await connection.goaway()).toBeGreaterThan(ErrorCode.NO_ERROR);
    const lastStreamId = connection.frames.find((f) => f.type === FrameType.GOAWAY)!.payload.readUInt32BE(0) & 0x7fffffff;
    expect(lastStreamId).toBeLessThanOrEqual(21);
    await connection.closed;
    await expectServing(port);
  });

  it("serves other connections while one holds a thousand open streams, and close({graceMs}) still ends them", async () => {
    const { port, close } = await startTargetServer();
    const connection = await openConnection(port);
    connection.send(Buffer.concat(Array.from({ length: 1_000 }, (_, i) => headersFrame(2 * i + 1, unaryHeaders))));
    await expectServing(port);
    await close(50);
    await connection.closed;
  });

  it("close({graceMs}) ends idle connections that never sent a preface or finished a TLS handshake", async () => {
    for (const isTls of hasOpenssl ? [false, true] : [false]) {
      const { port, close } = await startTargetServer({}, isTls);
      const idle = await Promise.all(Array.from({ length: 20 }, () => connectTcp(port)));
      idle[0]!.send(PREFACE.subarray(0, 10)); // half a preface
      idle[1]!.send(Buffer.from([0x16, 0x03, 0x01])); // the start of a TLS record
      await expectServing(port, isTls);
      // Before the fix, close() waited until each of these clients left.
      await close(50);
      await Promise.all(idle.map((connection) => connection.closed));
    }
  });
});

function streamResetCode(connection: RawConnection, streamId: number): number | undefined {
  return connection.frames.find((f) => f.streamId === streamId && f.type === FrameType.RST_STREAM)?.payload.readUInt32BE(0);
}

/** Waits until `condition` holds on the received frames; fails after 5 s or when the connection closes, listing them. */
async function until(connection: RawConnection, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline || connection.socket.destroyed) {
      const seen = connection.frames.map((f) => `type ${f.type} flags ${f.flags} stream ${f.streamId} ${f.payload.subarray(0, 8).toString("hex")}`);
      throw new Error(`condition not met; frames received:\n${seen.join("\n")}`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100);
      connection.socket.once("data", () => (clearTimeout(timer), resolve()));
    });
  }
}
