import http2 from "node:http2";
import type { PeerCertificate } from "node:tls";
import type { AnyMethodDefinition } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata, type OutgoingHeaderValues } from "../metadata.js";
import { Status } from "../status.js";
import { armDeadline, deadlineExceeded } from "../deadline.js";
import { ACCEPT_ENCODING_HEADER, type Compression } from "../codec/compression.js";
import { FrameDecoder } from "../framing/frame-decoder.js";
import { GRPC_CONTENT_TYPE } from "../transport/grpc-headers.js";
import { errorTrailers, okTrailers, trailersOnlyResponse } from "../transport/status-trailers.js";
import { peerCertificateOf } from "../transport/tls.js";
import type { ServerCallContext } from "./call-context.js";
import { ResponseCompression } from "./response-compression.js";
import { resetAfterStatus } from "./reset-after-status.js";
import { encodeResponse } from "./invalid-response.js";

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } = http2.constants;
const CALL = Symbol("h2grpc.serverCall");
const PLAIN_RESPONSE_HEADERS: Readonly<OutgoingHeaderValues> = Object.freeze({
  ":status": 200,
  "content-type": GRPC_CONTENT_TYPE,
  "grpc-accept-encoding": ACCEPT_ENCODING_HEADER,
});
const WAIT_FOR_TRAILERS = Object.freeze({ waitForTrailers: true });

/** A server stream that carries its call, so stream events reach it without a closure per call. */
export interface CallStream extends http2.ServerHttp2Stream {
  [CALL]?: ServerCall;
}

/** Returns the call `stream` belongs to, or undefined once the stream has closed. */
export function callOf(stream: CallStream): ServerCall | undefined {
  return stream[CALL];
}

/** Server-wide settings every call reads. */
export interface CallConfig {
  readonly maxReceiveMessageBytes: number;
  readonly maxSendMessageBytes: number;
  /** The server's default response compression. */
  readonly compression: string | undefined;
  readonly onCallError: ((error: unknown, context: ServerCallContext) => void) | undefined;
  /** True while the server shuts down: a stream closed now was cancelled by the server (UNAVAILABLE). */
  readonly isShuttingDown: () => boolean;
}

/**
 * One server call: the handler's context (metadata, signal, deadline, header and trailer) and the
 * response side of its HTTP/2 stream (headers once, messages, then trailers or Trailers-Only).
 * Finishing is idempotent: the first status wins and everything after it is dropped.
 */
export class ServerCall implements ServerCallContext {
  readonly method: AnyMethodDefinition;
  readonly deadline: number | undefined;
  readonly stream: CallStream;
  readonly config: CallConfig;
  /** The request's grpc-encoding, or undefined for identity. */
  readonly requestCompression: Compression | undefined;
  readonly decoder: FrameDecoder;
  /** True once a status has been sent (or the stream closed): later results are dropped. */
  isFinished = false;
  readonly #requestHeaders: http2.IncomingHttpHeaders;
  readonly #rawRequestHeaders: readonly string[];
  #metadata: Metadata | undefined;
  #header: Metadata | undefined;
  #trailer: Metadata | undefined;
  #controller: AbortController | undefined;
  #abortReason: GrpcError | undefined;
  #disarmDeadline: (() => void) | undefined;
  #isHeaderSent = false;
  // Created only when the server or the call asks for compression.
  #compression: ResponseCompression | undefined;
  #pendingTrailers: OutgoingHeaderValues | undefined;
  #closeCode = NGHTTP2_NO_ERROR;

  constructor(
    stream: http2.ServerHttp2Stream,
    requestHeaders: http2.IncomingHttpHeaders,
    rawRequestHeaders: readonly string[],
    method: AnyMethodDefinition,
    deadline: number | undefined,
    requestCompression: Compression | undefined,
    config: CallConfig,
  ) {
    this.stream = stream;
    this.#requestHeaders = requestHeaders;
    this.#rawRequestHeaders = rawRequestHeaders;
    this.method = method;
    this.deadline = deadline;
    this.requestCompression = requestCompression;
    this.config = config;
    this.decoder = new FrameDecoder(config.maxReceiveMessageBytes);
    this.stream[CALL] = this;
    stream.on("close", onStreamClose);
    stream.on("aborted", onStreamAborted);
    stream.on("error", ignoreStreamError);
    stream.on("wantTrailers", onWantTrailers);
    if (deadline !== undefined) this.#disarmDeadline = armDeadline(deadline, () => this.#onDeadline());
  }

  get metadata(): Metadata {
    return (this.#metadata ??= Metadata.fromHeaders(this.#rawRequestHeaders));
  }

  get header(): Metadata {
    return (this.#header ??= new Metadata());
  }

  get trailer(): Metadata {
    return (this.#trailer ??= new Metadata());
  }

  /** Created on first access: a handler that never looks at it costs no AbortController. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  get peer(): string {
    const socket = this.stream.session?.socket;
    const address = socket?.remoteAddress ?? "unknown";
    return address.includes(":") ? `[${address}]:${socket?.remotePort}` : `${address}:${socket?.remotePort}`;
  }

  get peerCertificate(): PeerCertificate | undefined {
    const socket = this.stream.session?.socket as { getPeerCertificate?: (detailed?: boolean) => PeerCertificate } | undefined;
    return socket === undefined ? undefined : peerCertificateOf(socket);
  }

  sendHeader(metadata?: Metadata): void {
    if (this.#isHeaderSent || this.isFinished) throw new GrpcError(Status.FAILED_PRECONDITION, "response headers were sent already");
    if (metadata !== undefined) this.header.merge(metadata);
    this.#respond();
  }

  setCompression(encoding: string): void {
    this.#responseCompression().set(encoding);
  }

  #isCompressing(): boolean {
    return this.#compression !== undefined || this.config.compression !== undefined;
  }

  #responseCompression(): ResponseCompression {
    return (this.#compression ??= new ResponseCompression(this.config.compression, this.#requestHeaders["grpc-accept-encoding"]));
  }

  /** Aborts the signal with `reason` (the first reason wins) and disarms the deadline. */
  abort(reason: GrpcError): void {
    this.#disarmDeadline?.();
    this.#disarmDeadline = undefined;
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /** Serializes and frames a response; throws INTERNAL (serialize, invalid-response.ts) or RESOURCE_EXHAUSTED (maxSendMessageBytes). */
  encode(message: unknown): Uint8Array | Promise<Uint8Array> {
    const compression = this.#isCompressing() ? this.#responseCompression().forMessage() : undefined;
    return encodeResponse(this.method.responseSerializer, message, compression, this.config.maxSendMessageBytes);
  }

  /** Writes frame bytes (sending the headers first if needed); returns false when the caller should wait for 'drain'. */
  write(bytes: Uint8Array): boolean {
    if (!this.#isHeaderSent) this.#respond();
    return this.stream.write(bytes);
  }

  /** Ends the call with OK, sending `lastFrame` (if any) and the trailers; Trailers-Only when nothing was sent. */
  finishOk(lastFrame?: Uint8Array): void {
    if (this.isFinished) return;
    this.isFinished = true;
    if (this.#isStreamOpen()) {
      try {
        if (!this.#isHeaderSent && lastFrame === undefined) {
          const headers: OutgoingHeaderValues = { ":status": 200, "content-type": GRPC_CONTENT_TYPE };
          this.#header?.writeHeaders(headers);
          Object.assign(headers, okTrailers(this.#trailer));
          this.#respondFinal(headers);
        } else {
          if (!this.#isHeaderSent) this.#respond();
          this.#pendingTrailers = okTrailers(this.#trailer);
          if (lastFrame === undefined) this.stream.end();
          else this.stream.end(lastFrame);
        }
      } catch (error) {
        this.#resetAfterFailure(error);
      }
    }
    this.#complete();
  }

  /**
   * Ends the call with `error` (GrpcError as is, anything else UNKNOWN with its message, no stack);
   * errors from user code go to options.onCallError first.
   */
  fail(error: unknown, isFromUserCode = true): void {
    if (this.isFinished) return;
    const status = GrpcError.from(error);
    if (isFromUserCode) this.#report(error);
    this.isFinished = true;
    this.abort(status);
    if (this.#isStreamOpen()) {
      try {
        if (!this.#isHeaderSent) {
          this.#respondFinal(trailersOnlyResponse(status, this.#trailer, this.#header));
        } else {
          this.#pendingTrailers = errorTrailers(status, this.#trailer);
          this.stream.end();
        }
      } catch (sendError) {
        this.#resetAfterFailure(sendError);
      }
    }
    this.#complete();
  }

  #isStreamOpen(): boolean {
    return !this.stream.destroyed && !this.stream.closed;
  }

  // Node refused to send the status (a header value it rejects, a stream that just closed): the
  // client still learns the call failed, from RST_STREAM(INTERNAL_ERROR), and the process goes on.
  #resetAfterFailure(error: unknown): void {
    this.#report(error);
    this.#pendingTrailers = undefined;
    if (this.#isStreamOpen()) this.stream.close(NGHTTP2_INTERNAL_ERROR);
  }

  #report(error: unknown): void {
    const onCallError = this.config.onCallError;
    if (onCallError === undefined) return;
    try {
      const result: unknown = onCallError(error, this);
      if (result instanceof Promise) result.catch(ignoreHookFailure);
    } catch {
      // A failing error hook must not change the call's outcome.
    }
  }

  #onDeadline(): void {
    this.#disarmDeadline = undefined;
    // grpc-go resets the stream with CANCEL at the deadline; we send the status first, so that
    // clients without their own timer still learn DEADLINE_EXCEEDED.
    this.#closeCode = NGHTTP2_CANCEL;
    this.fail(deadlineExceeded(), false);
  }

  /** Called when the client resets the stream (or the session goes): before a status, that is a cancel. */
  onAborted(): void {
    if (!this.isFinished) {
      this.isFinished = true;
      this.abort(
        this.config.isShuttingDown()
          ? new GrpcError(Status.UNAVAILABLE, "server is shutting down")
          : new GrpcError(Status.CANCELLED, "call cancelled by the client"),
      );
    }
  }

  /** Called when the stream closes: releases the call; a close before the status is a cancel. */
  onClosed(): void {
    this.onAborted();
    this.abort(CALL_COMPLETED);
    this.stream[CALL] = undefined;
  }

  /** Sends the pending trailers: Node asks for them after the last DATA frame. */
  sendPendingTrailers(): void {
    const trailers = this.#pendingTrailers ?? okTrailers();
    this.#pendingTrailers = undefined;
    try {
      this.stream.sendTrailers(trailers);
    } catch (error) {
      this.#resetAfterFailure(error); // runs inside a Node event: a throw here would crash the process
      return;
    }
    if (!this.stream.readableEnded) resetAfterStatus(this.stream, this.#closeCode);
  }

  #respond(): void {
    this.#isHeaderSent = true;
    if (!this.#isCompressing() && (this.#header === undefined || this.#header.size === 0)) {
      // The common case needs no per-call object: node:http2 copies what it is given.
      this.stream.respond(PLAIN_RESPONSE_HEADERS, WAIT_FOR_TRAILERS);
      return;
    }
    const headers: OutgoingHeaderValues = {
      ":status": 200,
      "content-type": GRPC_CONTENT_TYPE,
      "grpc-accept-encoding": ACCEPT_ENCODING_HEADER,
    };
    if (this.#isCompressing()) {
      const compression = this.#responseCompression().forHeaders();
      if (compression !== undefined) headers["grpc-encoding"] = compression.name;
    }
    this.#header?.writeHeaders(headers);
    this.stream.respond(headers, WAIT_FOR_TRAILERS);
  }

  #respondFinal(headers: OutgoingHeaderValues): void {
    this.#isHeaderSent = true;
    this.stream.respond(headers, { endStream: true });
  }

  #complete(): void {
    this.#disarmDeadline?.();
    this.#disarmDeadline = undefined;
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    // RFC 9113 §8.1: once the response is complete, RST_STREAM(NO_ERROR) tells a client that is
    // still sending to stop (grpc-go does the same); Node sends it after the trailers are flushed.
    // At the deadline the code is CANCEL (grpc-go), sent once the status is queued.
    if (stream.readableEnded || this.#pendingTrailers !== undefined) return; // sendPendingTrailers resets
    resetAfterStatus(stream, this.#closeCode);
  }
}

const CALL_COMPLETED = new GrpcError(Status.CANCELLED, "call completed");

function onStreamClose(this: CallStream): void {
  this[CALL]?.onClosed();
}

function onStreamAborted(this: CallStream): void {
  this[CALL]?.onAborted();
}

function onWantTrailers(this: CallStream): void {
  this[CALL]?.sendPendingTrailers();
}

function ignoreHookFailure(): void {
  // An async onCallError that rejects is the hook's own problem, never an unhandled rejection.
}

function ignoreStreamError(): void {
  // Stream errors (a reset client, a write after close) end the call through 'close'.
}
