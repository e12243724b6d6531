import http2 from "node:http2";
import { FRAMES, PATHS, decodeRequestCount, encodeCountReply, repeatFrame } from "../bench-messages.js";
import { FrameCounter } from "../frame-counter.js";
import type { BenchServer } from "./bench-server.js";
import { listenOnLoopback } from "./listen-on-loopback.js";
import { waitForDrain } from "./wait-for-drain.js";

// The ceiling server: node:http2 with no library. It answers with headers {":status": 200,
// content-type}, the reply bytes (a unary call's own request echoed back, streams pre-framed) and
// trailers {grpc-status: 0}: the least a gRPC reply can cost.

const RESPONSE_HEADERS = { ":status": 200, "content-type": "application/grpc" };
const OK_TRAILERS = { "grpc-status": "0" };
const UNIMPLEMENTED = { ":status": 200, "content-type": "application/grpc", "grpc-status": "12" };
/** Replies per coalesced write in server streaming. */
const WRITE_BATCH = 64;
const replyBatch = repeatFrame(FRAMES.smallReply, WRITE_BATCH);

/** Starts the raw server on 127.0.0.1 on a free port. */
export function startRawServer(): Promise<BenchServer> {
  // No session memory cap: the open-streams scenario holds thousands of streams per connection.
  const server = http2.createServer({ maxSessionMemory: 1024 });
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    switch (headers[":path"]) {
      case PATHS.unary:
        return answerUnary(stream);
      case PATHS.serverStream:
        return answerServerStream(stream);
      case PATHS.clientStream:
        return answerClientStream(stream);
      case PATHS.bidi:
        return answerBidi(stream);
      default:
        stream.respond(UNIMPLEMENTED, { endStream: true });
    }
  });
  return listenOnLoopback(server);
}

function sendTrailersWhenWanted(stream: http2.ServerHttp2Stream): void {
  stream.once("wantTrailers", () => stream.sendTrailers(OK_TRAILERS));
}

// Unary is an echo: a BenchRequest's bytes are a valid BenchReply (the fields are the same), so
// the request's DATA chunks go back as they came, neither copied nor parsed, whatever their size.
function answerUnary(stream: http2.ServerHttp2Stream): void {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.once("end", () => {
    if (stream.destroyed) return; // reset by the client (or its connection gone) while it was read
    stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    sendTrailersWhenWanted(stream);
    const last = chunks.pop();
    for (const chunk of chunks) stream.write(chunk);
    stream.end(last);
  });
}

function answerServerStream(stream: http2.ServerHttp2Stream): void {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.once("end", () => {
    if (stream.destroyed) return;
    const count = decodeRequestCount(Buffer.concat(chunks));
    stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    sendTrailersWhenWanted(stream);
    void writeReplies(stream, count);
  });
}

async function writeReplies(stream: http2.ServerHttp2Stream, count: number): Promise<void> {
  let left = count;
  for (; left >= WRITE_BATCH && !stream.destroyed; left -= WRITE_BATCH) {
    if (!stream.write(replyBatch)) await waitForDrain(stream);
  }
  if (stream.destroyed) return;
  stream.end(left > 0 ? repeatFrame(FRAMES.smallReply, left) : undefined);
}

function answerClientStream(stream: http2.ServerHttp2Stream): void {
  const frames = new FrameCounter();
  let received = 0;
  stream.on("data", (chunk: Buffer) => {
    received += frames.push(chunk);
  });
  stream.once("end", () => {
    if (stream.destroyed) return;
    stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    sendTrailersWhenWanted(stream);
    stream.end(encodeCountReply(received));
  });
}

function answerBidi(stream: http2.ServerHttp2Stream): void {
  const frames = new FrameCounter();
  stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  sendTrailersWhenWanted(stream);
  stream.on("data", (chunk: Buffer) => {
    const received = frames.push(chunk);
    if (received === 1) stream.write(FRAMES.smallReply);
    else if (received > 1) stream.write(repeatFrame(FRAMES.smallReply, received));
  });
  stream.once("end", () => stream.end());
}
