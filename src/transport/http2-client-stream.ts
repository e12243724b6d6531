import http2 from "node:http2";
import { FrameDecoder } from "../framing/frame-decoder.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata, type RawHeaders } from "../metadata.js";
import { Status } from "../status.js";
import type { CallStreamListener, ClientCallStream } from "./client-call-stream.js";
import { parseRetryPushback, RETRY_PUSHBACK_HEADER } from "./retry-pushback.js";
import { errorFromResponseHeaders, statusFromTrailers } from "./status-trailers.js";
import { whenDrained } from "./stream-drain.js";
import { isCountingSockets, type SocketCounters } from "../telemetry/socket-counters.js";
import { errorForLostResponse, errorForStreamClosedWithoutTrailers, type StreamCloseFacts } from "./stream-close-status.js";

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM, NGHTTP2_FLAG_END_STREAM } = http2.constants;

/** What a stream needs to know about its connection when it ends. */
export interface StreamConnectionState {
  /** True when the whole connection went away. */
  readonly isDestroyed: boolean;
  readonly hasReceivedGoaway: boolean;
  /** The last stream id of the server's GOAWAY (RFC 9113 §6.8), if one came. */
  readonly goawayLastStreamId: number | undefined;
  readonly isTls: boolean;
  /** The server's address, for error messages. */
  readonly address: string;
  /** Forgets `stream`, which has closed. */
  untrack(stream: http2.ClientHttp2Stream): void;
}

const OWNER = Symbol("h2grpc.http2ClientStream");
type OwnedStream = http2.ClientHttp2Stream & { [OWNER]?: Http2ClientStream };

/**
 * One gRPC call on one HTTP/2 stream, seen from the client (ClientCallStream, PROTOCOL-HTTP2):
 * frames out as DATA; back, the response headers (or a Trailers-Only response), frames and
 * exactly one end when the stream closes, with the status from the trailers, the mapped reset, or
 * the connection's failure. OK is reported only when every frame the server sent was delivered.
 * Stream events reach it through shared functions that find it on the stream.
 */
export class Http2ClientStream implements ClientCallStream {
  readonly #stream: OwnedStream;
  readonly #listener: CallStreamListener;
  readonly #connection: StreamConnectionState;
  readonly #decoder: FrameDecoder;
  #trailers: RawHeaders | undefined;
  #streamError: unknown;
  #hasResponseHeaders = false;
  #isPaused = false;
  #isEnded = false;
  #decodeError: GrpcError | undefined;
  readonly #counters: SocketCounters;

  constructor(
    stream: http2.ClientHttp2Stream,
    listener: CallStreamListener,
    connection: StreamConnectionState,
    maxReceiveMessageBytes: number,
    counters: SocketCounters,
  ) {
    this.#counters = counters;
    this.#stream = stream;
    this.#listener = listener;
    this.#connection = connection;
    this.#decoder = new FrameDecoder(maxReceiveMessageBytes);
    this.#stream[OWNER] = this;
    stream.on("response", onResponse);
    stream.on("data", onData);
    stream.on("trailers", onTrailers);
    stream.on("error", onError);
    stream.on("close", onClose);
  }

  sendFrame(frames: Uint8Array, isLast: boolean, messages = 1): boolean {
    const stream = this.#stream;
    if (this.#isEnded || stream.writableEnded || stream.destroyed) return true;
    if (isCountingSockets()) this.#counters.messageSent(messages);
    if (isLast) {
      stream.end(frames);
      return true;
    }
    return stream.write(frames);
  }

  closeSend(): void {
    const stream = this.#stream;
    if (!this.#isEnded && !stream.writableEnded && !stream.destroyed) stream.end();
  }

  drained(): Promise<void> {
    return this.#isEnded ? Promise.resolve() : whenDrained(this.#stream);
  }

  pauseReceiving(): void {
    // Once the status arrived, what is left to read is bounded by our window already (#onTrailers).
    if (this.#trailers !== undefined) return;
    this.#isPaused = true;
    this.#stream.pause();
  }

  resumeReceiving(): void {
    this.#isPaused = false;
    this.#stream.resume();
  }

  cancel(): void {
    if (this.#isEnded) return;
    this.#isEnded = true;
    if (isCountingSockets()) this.#counters.streamEnded(false);
    if (!this.#stream.destroyed) this.#stream.close(NGHTTP2_CANCEL);
  }

  onResponse(headers: http2.IncomingHttpHeaders, flags: number): void {
    if (this.#isEnded) return;
    const error = errorFromResponseHeaders(headers);
    if (error !== undefined) return this.#end(error, Metadata.fromHeaders(headers), true);
    if ((flags & NGHTTP2_FLAG_END_STREAM) !== 0 || headers["grpc-status"] !== undefined) {
      this.#trailers = headers; // Trailers-Only (PROTOCOL-HTTP2): no headers reach the listener
      return;
    }
    this.#hasResponseHeaders = true;
    this.#listener.onHeaders(Metadata.fromHeaders(headers), headers["grpc-encoding"] as string | undefined);
  }

  onData(chunk: Buffer): void {
    if (this.#isEnded || this.#decodeError !== undefined) return;
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      this.#decodeError = GrpcError.from(error, Status.INTERNAL);
      return this.#end(this.#decodeError, new Metadata(), true);
    }
    if (frames.length > 0 && isCountingSockets()) for (let i = 0; i < frames.length; i++) this.#counters.messageReceived();
    for (let i = 0; i < frames.length && !this.#isEnded; i++) this.#listener.onFrame(frames[i]!);
  }

  onTrailers(trailers: http2.IncomingHttpHeaders): void {
    this.#trailers = trailers;
    // Node may hand the trailers over before DATA it still buffers for a paused stream, and drops
    // that DATA if the stream is destroyed (a reset, or the connection going away) before it is
    // read. The status means the server sent everything, within our window: read it out now.
    if (this.#isPaused) this.resumeReceiving();
  }

  onStreamError(error: unknown): void {
    this.#streamError = error;
  }

  onClose(): void {
    this.#stream[OWNER] = undefined;
    this.#connection.untrack(this.#stream);
    if (this.#isEnded) return;
    const trailers = this.#trailers;
    if (trailers === undefined) {
      return this.#end(errorForStreamClosedWithoutTrailers(this.#closeFacts()), new Metadata(), false, this.#isUnprocessed());
    }
    const status = statusFromTrailers(trailers);
    const metadata = Metadata.fromHeaders(trailers);
    // OK means every message reached the caller: a stream destroyed before its DATA was read (Node
    // drops it) fails even though the server said OK; a non-OK status is reported as sent.
    if (this.#stream.readableEnded === false) return this.#end(status ?? errorForLostResponse(this.#closeFacts()), metadata, false);
    try {
      this.#decoder.finish();
    } catch (error) {
      return this.#end(GrpcError.from(error, Status.INTERNAL), metadata, false);
    }
    this.#end(status, metadata, false);
  }

  /** What the stream's close says about a call that did not end with its whole response (made only then). */
  #closeFacts(): StreamCloseFacts {
    return {
      streamError: this.#streamError,
      isConnectionLost: this.#connection.isDestroyed,
      hasReceivedGoaway: this.#connection.hasReceivedGoaway,
      rstCode: this.#stream.rstCode ?? NGHTTP2_NO_ERROR,
      hasResponseHeaders: this.#hasResponseHeaders,
      isTls: this.#connection.isTls,
      address: this.#connection.address,
    };
  }

  // The server did no work on this stream, so the call may be sent again (gRFC A6; grpc-go does):
  // it refused the stream, or said in GOAWAY that it never saw streams above its last stream id.
  #isUnprocessed(): boolean {
    if (this.#hasResponseHeaders) return false;
    const id = this.#stream.id;
    const lastStreamId = this.#connection.goawayLastStreamId;
    if (id !== undefined && lastStreamId !== undefined && id > lastStreamId) return true;
    const streamError = this.#streamError as { code?: unknown } | undefined;
    return (streamError === undefined || streamError.code === "ERR_HTTP2_STREAM_ERROR") && this.#stream.rstCode === NGHTTP2_REFUSED_STREAM;
  }

  #end(error: GrpcError | undefined, trailers: Metadata, isResetNeeded: boolean, isUnprocessed = false): void {
    if (this.#isEnded) return;
    this.#isEnded = true;
    // channelz: a client stream succeeded when the server's status arrived, whatever it said.
    if (isCountingSockets()) this.#counters.streamEnded(this.#trailers !== undefined);
    if (isResetNeeded && !this.#stream.destroyed) this.#stream.close(NGHTTP2_CANCEL);
    // gRFC A6 pushback only matters for a failure the call may retry.
    const retryPushbackMs = error === undefined ? undefined : parseRetryPushback(this.#trailers?.[RETRY_PUSHBACK_HEADER]);
    this.#listener.onEnd({ error, trailers, isUnprocessed, retryPushbackMs });
  }
}

function onResponse(this: OwnedStream, headers: http2.IncomingHttpHeaders, flags: number): void {
  this[OWNER]?.onResponse(headers, flags);
}

function onData(this: OwnedStream, chunk: Buffer): void {
  this[OWNER]?.onData(chunk);
}

function onTrailers(this: OwnedStream, trailers: http2.IncomingHttpHeaders): void {
  this[OWNER]?.onTrailers(trailers);
}

function onError(this: OwnedStream, error: unknown): void {
  this[OWNER]?.onStreamError(error);
}

function onClose(this: OwnedStream): void {
  this[OWNER]?.onClose();
}
