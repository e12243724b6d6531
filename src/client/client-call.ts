import http2, { type ClientHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import { ACCEPT_ENCODING_HEADER } from "../codec/compression.js";
import { encodeMessage } from "../codec/message-codec.js";
import { deadlineExceeded } from "../deadline.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata, type RawHeaders } from "../metadata.js";
import { Status } from "../status.js";
import { statusFromNodeError } from "../transport/error-mapping.js";
import type { ClientConnection } from "../transport/client-connection.js";
import { errorForLostResponse, errorForStreamClosedWithoutTrailers } from "../transport/stream-close-status.js";
import { buildRequestHeaders } from "../transport/grpc-headers.js";
import { errorFromResponseHeaders, statusFromTrailers } from "../transport/status-trailers.js";
import type { WriteOptions } from "./call-options.js";
import type { ChannelCall, ChannelImpl } from "./channel/channel.js";
import { attachCallSite, copyError } from "./call-site.js";
import { methodLimit } from "./service-config/method-call-options.js";
import { ResponseDecoder, type DecodedResponseSink } from "./response-decoder.js";
import type { CallListener, CallSetup } from "./call-setup.js";

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM, NGHTTP2_FLAG_END_STREAM } = http2.constants;

const CALL: unique symbol = Symbol("h2grpc.clientCall");
type CallStream = ClientHttp2Stream & { [CALL]: ClientCall };

/**
 * One RPC on one HTTP/2 stream: opens it when the channel is ready, writes frames, decodes the
 * response (Trailers-Only or headers, messages, trailers) and settles exactly once on 'close',
 * mapping RST_STREAM codes and connection failures as PROTOCOL-HTTP2 says.
 */
export class ClientCall implements ChannelCall, DecodedResponseSink {
  readonly #channel: ChannelImpl;
  readonly #setup: CallSetup;
  readonly #listener: CallListener;
  readonly #decoder: ResponseDecoder;
  #connection: ClientConnection | undefined;
  #stream: ClientHttp2Stream | undefined;
  #trailers: RawHeaders | undefined;
  #streamError: unknown;
  #isEnded = false;
  #drainWaiter: (() => void) | undefined;
  #isPaused = false;
  /** The server sent its status: whatever it sent before is read out at once (see #onTrailers). */
  #hasTrailers = false;
  #metadata: Metadata | undefined;
  #endError: GrpcError | undefined;
  #hasResponseHeaders = false;
  /** A unary request written whole with END_STREAM, kept to replay once if the server refuses the stream. */
  #replayFrame: Uint8Array | undefined;
  #hasReplayed = false;
  #hasWritten = false;
  readonly #maxSendMessageBytes: number;

  constructor(channel: ChannelImpl, setup: CallSetup, listener: CallListener) {
    this.#channel = channel;
    this.#setup = setup;
    this.#listener = listener;
    const isSingleResponse = setup.method.kind === "unary" || setup.method.kind === "client_streaming";
    const config = channel.methodConfig(setup.method.path);
    const maxReceiveMessageBytes = methodLimit(channel.maxReceiveMessageBytes, config?.maxResponseMessageBytes);
    this.#maxSendMessageBytes = methodLimit(channel.maxSendMessageBytes, config?.maxRequestMessageBytes);
    this.#decoder = new ResponseDecoder(setup.method.responseSerializer, maxReceiveMessageBytes, isSingleResponse, this);
    this.#metadata = setup.metadata;
  }

  get isEnded(): boolean {
    return this.#isEnded;
  }

  /** The error the call ended with; undefined while running or after OK. */
  get endError(): GrpcError | undefined {
    return this.#endError;
  }

  /** Serializes and frames a request; throws INTERNAL (serializer) or RESOURCE_EXHAUSTED (maxSendMessageBytes). */
  encodeRequest(message: unknown, options?: WriteOptions): Uint8Array | Promise<Uint8Array> {
    const compression = options?.compress === false ? undefined : this.#setup.compression;
    return encodeMessage(this.#setup.method.requestSerializer, message, compression, this.#maxSendMessageBytes);
  }

  /**
   * Opens the stream once the channel has a session (synchronously when it is READY), after
   * `metadata` (call credentials) resolves if given. Returns false, the call having ended through
   * its listener, if it could not be started.
   */
  start(metadata?: Promise<Metadata>): boolean | Promise<boolean> {
    const signal = this.#setup.signal;
    this.#channel.callStarted(this);
    if (signal !== undefined) {
      if (signal.aborted) return this.#endFromSignal(), false;
      signal.addEventListener("abort", this.#endFromSignal, { once: true });
    }
    if (metadata !== undefined) {
      return metadata.then(
        (resolved) => {
          if (this.#isEnded) return false;
          this.#metadata = resolved;
          return this.#acquireSession();
        },
        (error: unknown) => {
          this.#finish(GrpcError.from(error, Status.UNAVAILABLE), undefined);
          return false;
        },
      );
    }
    return this.#acquireSession();
  }

  #acquireSession(): boolean | Promise<boolean> {
    const connection = this.#channel.readyConnection();
    if (connection !== undefined) return this.#open(connection, false);
    return this.#openWhenReady(false);
  }

  #openWhenReady(isRetry: boolean): Promise<boolean> {
    return this.#channel.waitForConnection(this.#setup.waitForReady, this.#setup.signal).then(
      (connection) => this.#open(connection, isRetry),
      (error: unknown) => {
        this.#finish(copyError(GrpcError.from(error, Status.UNAVAILABLE)), undefined);
        return false;
      },
    );
  }

  #open(connection: ClientConnection, isRetry: boolean): boolean | Promise<boolean> {
    if (this.#isEnded) return false;
    const { deadline, method } = this.#setup;
    let timeoutMs: number | undefined;
    if (deadline !== undefined) {
      timeoutMs = deadline - Date.now();
      if (timeoutMs <= 0) return this.#finish(deadlineExceeded(), undefined), false;
    }
    const headers = buildRequestHeaders({
      path: method.path,
      authority: this.#channel.authority,
      scheme: this.#channel.scheme,
      timeoutMs,
      encoding: this.#setup.compression?.name,
      acceptEncoding: ACCEPT_ENCODING_HEADER,
      metadata: this.#metadata,
    });
    let stream: ClientHttp2Stream;
    try {
      stream = connection.request(headers);
    } catch (error) {
      // GOAWAY (or a dying session) raced this call: nothing was sent, so one retry on a new session is safe.
      this.#channel.discardConnection(connection);
      if (!isRetry) return this.#openWhenReady(true);
      this.#finish(new GrpcError(statusFromNodeError(error), `could not start the call: ${(error as Error).message}`), undefined);
      return false;
    }
    this.#connection = connection;
    this.#stream = stream;
    (stream as CallStream)[CALL] = this;
    stream.on("response", ClientCall.#onResponse);
    stream.on("data", ClientCall.#onData);
    stream.on("trailers", ClientCall.#onTrailers);
    stream.on("error", ClientCall.#onError);
    stream.on("close", ClientCall.#onClose);
    if (this.#isPaused) stream.pause();
    return true;
  }

  /** Writes frame bytes; `isLast` half-closes in the same write. Returns false when the caller should await drain(). */
  writeFrame(bytes: Uint8Array, isLast: boolean): boolean {
    const stream = this.#stream;
    if (stream === undefined || this.#isEnded || stream.writableEnded || stream.destroyed) return true;
    if (isLast) {
      if (!this.#hasReplayed && !this.#hasWritten) this.#replayFrame = bytes;
      stream.end(bytes);
      return true;
    }
    this.#hasWritten = true;
    return stream.write(bytes);
  }

  /** Half-closes the request side. */
  halfClose(): void {
    const stream = this.#stream;
    if (stream !== undefined && !this.#isEnded && !stream.writableEnded) stream.end();
  }

  /** Resolves when the stream can take more bytes, or the call has ended. */
  drain(): Promise<void> {
    const stream = this.#stream;
    if (stream === undefined || this.#isEnded || !stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drainWaiter = resolve;
      stream.once("drain", () => {
        this.#drainWaiter = undefined;
        resolve();
      });
    });
  }

  /**
   * Stops reading the stream (its flow-control window closes) until resumeReading(); ignored once
   * the status has arrived, when what is left to read is bounded by the window already.
   */
  pauseReading(): void {
    if (this.#hasTrailers) return;
    this.#isPaused = true;
    this.#stream?.pause();
  }

  resumeReading(): void {
    this.#isPaused = false;
    this.#stream?.resume();
  }

  /** Ends the call with `error` and resets the stream with CANCEL (PROTOCOL-HTTP2); no-op once ended. */
  cancel(error: GrpcError): void {
    if (this.#isEnded) return;
    const stream = this.#stream;
    this.#finish(error, undefined);
    if (stream !== undefined && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
  }

  abortFromChannel(error: GrpcError): void {
    this.cancel(copyError(error));
  }

  readonly #endFromSignal = (): void => {
    this.cancel(copyError(GrpcError.from(this.#setup.signal?.reason, Status.CANCELLED)));
  };

  // Stream listeners are shared functions that find their call on the stream: no closures per call.
  static #onResponse(this: CallStream, headers: IncomingHttpHeaders, flags: number): void {
    const call = this[CALL];
    const error = errorFromResponseHeaders(headers);
    if (error !== undefined) return call.cancel(error);
    if ((flags & NGHTTP2_FLAG_END_STREAM) !== 0 || headers["grpc-status"] !== undefined) {
      call.#trailers = headers; // Trailers-Only (PROTOCOL-HTTP2): no headers reach the listener
      return;
    }
    call.#hasResponseHeaders = true;
    call.#decoder.encoding = headers["grpc-encoding"] as string | undefined;
    const metadata = Metadata.fromHeaders(headers);
    if (call.#setup.onHeader !== undefined) {
      try {
        call.#setup.onHeader(metadata);
      } catch (callbackError) {
        return call.cancel(GrpcError.from(callbackError)); // a throwing callback fails its own call, never the process
      }
    }
    call.#listener.onHeaders(metadata);
  }

  static #onData(this: CallStream, chunk: Buffer): void {
    const call = this[CALL];
    if (!call.#isEnded) call.#decoder.push(chunk);
  }

  static #onTrailers(this: CallStream, trailers: IncomingHttpHeaders): void {
    const call = this[CALL];
    call.#trailers = trailers;
    // Node may hand the trailers over before DATA it still buffers for a paused stream, and drops
    // that DATA if the stream is destroyed (a reset, or the connection going away) before it is
    // read. The status means the server sent everything, within our window: read it out now.
    call.#hasTrailers = true;
    if (call.#isPaused) {
      call.#isPaused = false;
      this.resume();
    }
  }

  static #onError(this: CallStream, error: unknown): void {
    this[CALL].#streamError = error;
  }

  static #onClose(this: CallStream): void {
    const call = this[CALL];
    if (call.#isEnded) return;
    const pending = call.#decoder.pending;
    if (pending !== undefined) void pending.then(() => call.#settleFromPeer());
    else call.#settleFromPeer();
  }

  onMessage(message: unknown): void {
    if (!this.#isEnded) this.#listener.onMessage(message);
  }

  onDecodeError(error: GrpcError): void {
    this.cancel(error);
  }

  #settleFromPeer(): void {
    if (this.#isEnded) return;
    const trailers = this.#trailers;
    if (trailers === undefined && this.#isUnprocessed()) return this.#replay();
    const facts = {
      streamError: this.#streamError,
      isConnectionLost: this.#connection?.isDestroyed === true,
      hasReceivedGoaway: this.#connection?.hasReceivedGoaway === true,
      rstCode: this.#stream?.rstCode ?? NGHTTP2_NO_ERROR,
      hasResponseHeaders: this.#hasResponseHeaders,
      isTls: this.#channel.isSecure,
    };
    let error: GrpcError | undefined;
    if (trailers === undefined) error = errorForStreamClosedWithoutTrailers(facts);
    else {
      const status = statusFromTrailers(trailers);
      // OK means every message reached the caller: a stream destroyed before its DATA was read
      // (Node drops it) fails even though the server said OK; a non-OK status is reported as sent.
      if (this.#stream?.readableEnded === false) error = status ?? errorForLostResponse(facts);
      else error = this.#decoder.errorAtEnd(status);
    }
    this.#finish(error, trailers);
  }

  // The server did no work on this stream, so the call may be retried transparently (gRFC A6;
  // grpc-go does, once): it refused the stream (REFUSED_STREAM), or said in GOAWAY that it never
  // saw streams above its last stream id (RFC 9113 §6.8). Only a unary request written whole can
  // be replayed.
  #isUnprocessed(): boolean {
    if (this.#replayFrame === undefined || this.#hasReplayed || this.#hasResponseHeaders) return false;
    const streamId = this.#stream?.id;
    const lastStreamId = this.#connection?.goawayLastStreamId;
    if (streamId !== undefined && lastStreamId !== undefined && streamId > lastStreamId) return true;
    return (
      (this.#streamError === undefined || (this.#streamError as { code?: unknown }).code === "ERR_HTTP2_STREAM_ERROR") &&
      this.#stream?.rstCode === NGHTTP2_REFUSED_STREAM
    );
  }

  #replay(): void {
    const frame = this.#replayFrame as Uint8Array;
    this.#hasReplayed = true;
    this.#replayFrame = undefined;
    this.#stream = undefined;
    const opened = this.#acquireSession();
    if (opened === true) this.writeFrame(frame, true);
    else if (opened !== false) void opened.then((isOpen) => isOpen && this.writeFrame(frame, true));
  }

  #finish(callError: GrpcError | undefined, trailers: RawHeaders | undefined): void {
    if (this.#isEnded) return;
    let error = callError;
    this.#isEnded = true;
    this.#setup.signal?.removeEventListener("abort", this.#endFromSignal);
    this.#channel.callEnded(this);
    this.#drainWaiter?.();
    this.#drainWaiter = undefined;
    const trailerMetadata = trailers === undefined ? new Metadata() : Metadata.fromHeaders(trailers);
    if (this.#setup.onTrailer !== undefined) {
      try {
        this.#setup.onTrailer(trailerMetadata);
      } catch (callbackError) {
        error ??= GrpcError.from(callbackError); // surfaces to the caller instead of escaping from an event handler
      }
    }
    this.#endError = error;
    if (error !== undefined && this.#setup.callSite !== undefined) attachCallSite(error, this.#setup.callSite);
    this.#listener.onEnd(error, trailerMetadata);
  }
}
