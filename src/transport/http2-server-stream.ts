import http2 from "node:http2";
import type { PeerCertificate } from "node:tls";
import { FrameDecoder } from "../framing/frame-decoder.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata, type OutgoingHeaderValues, type RawHeaderList } from "../metadata.js";
import { Status } from "../status.js";
import { GRPC_CONTENT_TYPE } from "./grpc-headers.js";
import { resetAfterStatus } from "./reset-after-status.js";
import { whenDrained } from "./stream-drain.js";
import { countersOfSession } from "./session-counters.js";
import { isCountingSockets } from "../telemetry/socket-counters.js";
import type { FrameReceiver, MessageCodecName, ServerCallStream, WireProtocol } from "./server-call-stream.js";
import { errorTrailers, okTrailers } from "./status-trailers.js";
import { peerCertificateOf } from "./tls.js";
import { formatPeer } from "./http-exchange.js";
import { attachStreamOwner, routeRequestData, type Http2StreamOwner } from "./http2-stream-owner.js";
import type { Http2StreamSettings } from "./http2-stream-settings.js";

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } = http2.constants;
const WAIT_FOR_TRAILERS = Object.freeze({ waitForTrailers: true });
const END_STREAM = Object.freeze({ endStream: true });

/**
 * A gRPC call over one HTTP/2 stream (PROTOCOL-HTTP2), as the server pipeline sees it
 * (ServerCallStream): request frames out of DATA, response headers, frames, and trailers or a
 * Trailers-Only response; a client reset or a lost connection becomes one abort. Stream events
 * reach it through shared functions that find it on the stream (http2-stream-owner.ts): no
 * closure per call.
 */
export class Http2ServerStream implements ServerCallStream, Http2StreamOwner {
  readonly protocol: WireProtocol = "grpc";
  readonly codec: MessageCodecName;
  readonly path: string;
  readonly timeoutMs: number | undefined;
  readonly #stream: http2.ServerHttp2Stream;
  readonly #headers: http2.IncomingHttpHeaders;
  readonly #rawHeaders: RawHeaderList;
  readonly #settings: Http2StreamSettings;
  #metadata: Metadata | undefined;
  #decoder: FrameDecoder | undefined;
  #receiver: FrameReceiver | undefined;
  #abortListener: ((reason: GrpcError) => void) | undefined;
  #hasSentHeaders = false;
  #isFinished = false;
  #pendingTrailers: OutgoingHeaderValues | undefined;
  #resetCode = NGHTTP2_NO_ERROR;

  constructor(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    rawHeaders: RawHeaderList,
    codec: MessageCodecName,
    timeoutMs: number | undefined,
    settings: Http2StreamSettings,
  ) {
    this.#stream = stream;
    this.#headers = headers;
    this.#rawHeaders = rawHeaders;
    this.codec = codec;
    this.path = headers[":path"] ?? "";
    this.timeoutMs = timeoutMs;
    this.#settings = settings;
    attachStreamOwner(stream, this);
    if (isCountingSockets()) countersOfSession(stream.session)?.streamStarted(false);
  }

  get metadata(): Metadata {
    return (this.#metadata ??= Metadata.fromHeaders(this.#rawHeaders));
  }

  get requestEncoding(): string | undefined {
    const header = this.#headers["grpc-encoding"];
    const encoding = Array.isArray(header) ? header.join(",") : header;
    return encoding === undefined || encoding === "identity" ? undefined : encoding;
  }

  get acceptEncoding(): string | undefined {
    return this.#headers["grpc-accept-encoding"] as string | undefined;
  }

  get peer(): string {
    const socket = this.#stream.session?.socket;
    return formatPeer(socket?.remoteAddress, socket?.remotePort);
  }

  get peerCertificate(): PeerCertificate | undefined {
    const socket = this.#stream.session?.socket as { getPeerCertificate?: (detailed?: boolean) => PeerCertificate } | undefined;
    return socket === undefined ? undefined : peerCertificateOf(socket);
  }

  get hasSentHeaders(): boolean {
    return this.#hasSentHeaders;
  }

  receive(receiver: FrameReceiver): void {
    this.#receiver = receiver;
    this.#decoder = new FrameDecoder(this.#settings.maxReceiveMessageBytes);
    routeRequestData(this.#stream);
  }

  pauseReceiving(): void {
    this.#stream.pause();
  }

  resumeReceiving(): void {
    this.#stream.resume();
  }

  onAbort(listener: (reason: GrpcError) => void): void {
    this.#abortListener = listener;
  }

  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void {
    if (this.#hasSentHeaders || !this.#isOpen()) return;
    this.#hasSentHeaders = true;
    if (metadata === undefined && encoding === undefined) {
      // The common case needs no per-call object: node:http2 copies what it is given.
      this.#stream.respond(this.#settings.plainResponseHeaders, WAIT_FOR_TRAILERS);
      return;
    }
    const headers: OutgoingHeaderValues = { ":status": 200, "content-type": GRPC_CONTENT_TYPE, "grpc-accept-encoding": this.#settings.acceptEncoding };
    if (encoding !== undefined) headers["grpc-encoding"] = encoding;
    metadata?.writeHeaders(headers);
    this.#stream.respond(headers, WAIT_FOR_TRAILERS);
  }

  sendFrame(frames: Uint8Array, messages = 1): boolean {
    if (!this.#hasSentHeaders) this.sendHeaders(undefined, undefined);
    if (isCountingSockets()) countersOfSession(this.#stream.session)?.messageSent(messages);
    return this.#stream.write(frames);
  }

  drained(): Promise<void> {
    return whenDrained(this.#stream);
  }

  finish(error: GrpcError | undefined, trailers: Metadata | undefined, unsentHeaders: Metadata | undefined, lastFrame?: Uint8Array): unknown {
    if (this.#isFinished) return undefined;
    this.#isFinished = true;
    if (isCountingSockets()) {
      const counters = countersOfSession(this.#stream.session);
      if (lastFrame !== undefined) counters?.messageSent();
      // channelz: a server stream succeeded when it sent its status.
      counters?.streamEnded(this.#isOpen());
    }
    // grpc-go resets the stream with CANCEL at the deadline; the status goes first, so clients
    // without a timer of their own still learn DEADLINE_EXCEEDED.
    if (error?.code === Status.DEADLINE_EXCEEDED) this.#resetCode = NGHTTP2_CANCEL;
    if (!this.#isOpen()) return undefined;
    let sendError: unknown;
    try {
      if (!this.#hasSentHeaders && lastFrame === undefined) {
        // Trailers-Only (PROTOCOL-HTTP2): one HEADERS frame with END_STREAM.
        this.#hasSentHeaders = true;
        const headers: OutgoingHeaderValues = { ":status": 200, "content-type": GRPC_CONTENT_TYPE, "grpc-accept-encoding": this.#settings.acceptEncoding };
        unsentHeaders?.writeHeaders(headers);
        Object.assign(headers, error === undefined ? okTrailers(trailers) : errorTrailers(error, trailers));
        this.#stream.respond(headers, END_STREAM);
      } else {
        if (!this.#hasSentHeaders) this.sendHeaders(unsentHeaders, undefined);
        this.#pendingTrailers = error === undefined ? okTrailers(trailers) : errorTrailers(error, trailers);
        if (lastFrame === undefined) this.#stream.end();
        else this.#stream.end(lastFrame);
      }
    } catch (caught) {
      // Node refused to send the status (a header value it rejects, a stream that just closed): the
      // client still learns the call failed, from RST_STREAM(INTERNAL_ERROR), and the process goes on.
      sendError = caught;
      this.#pendingTrailers = undefined;
      if (this.#isOpen()) this.#stream.close(NGHTTP2_INTERNAL_ERROR);
      return sendError;
    }
    // RFC 9113 §8.1: once the response is complete, RST_STREAM tells a client still sending to stop
    // (grpc-go does the same); with trailers pending, #sendPendingTrailers resets after them.
    if (this.#pendingTrailers === undefined && !this.#stream.readableEnded) resetAfterStatus(this.#stream, this.#resetCode);
    return undefined;
  }

  /**
   * Ends the call from below (a server shutting down past its grace period): sends `reason` as
   * the status where the stream can still carry one, and tells the pipeline it was aborted.
   */
  abort(reason: GrpcError): void {
    this.finish(reason, undefined, undefined);
    this.#notifyAbort(reason);
  }

  #isOpen(): boolean {
    return !this.#stream.destroyed && !this.#stream.closed;
  }

  #notifyAbort(reason: GrpcError): void {
    const listener = this.#abortListener;
    this.#abortListener = undefined;
    this.#isFinished = true;
    listener?.(reason);
  }

  /** 'aborted' and 'close' before a status: the client reset the stream, or the connection went. */
  onPeerGone(): void {
    if (this.#isFinished) {
      this.#abortListener = undefined;
      return;
    }
    if (isCountingSockets()) countersOfSession(this.#stream.session)?.streamEnded(false);
    this.#notifyAbort(
      this.#settings.isShuttingDown()
        ? new GrpcError(Status.UNAVAILABLE, "server is shutting down")
        : new GrpcError(Status.CANCELLED, "call cancelled by the client"),
    );
  }

  onData(chunk: Buffer): void {
    const receiver = this.#receiver;
    if (receiver === undefined || this.#decoder === undefined) return;
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      return this.#failRequest(GrpcError.from(error, Status.INTERNAL));
    }
    if (frames.length > 0 && isCountingSockets()) {
      const counters = countersOfSession(this.#stream.session);
      for (let i = 0; i < frames.length; i++) counters?.messageReceived();
    }
    for (let i = 0; i < frames.length; i++) receiver.onFrame(frames[i]!);
  }

  onEnd(): void {
    // Node ends the readable side of a stream the client reset too; that is a cancel, not an end.
    if (this.#stream.aborted || this.#receiver === undefined) return;
    try {
      this.#decoder?.finish();
    } catch (error) {
      return this.#failRequest(GrpcError.from(error, Status.INTERNAL));
    }
    this.#receiver.onEnd();
  }

  #failRequest(error: GrpcError): void {
    const receiver = this.#receiver;
    this.#receiver = undefined;
    this.finish(error, undefined, undefined);
    receiver?.onError(error);
  }

  /** Node asks for the trailers after the last DATA frame. */
  sendPendingTrailers(): void {
    const trailers = this.#pendingTrailers ?? okTrailers();
    this.#pendingTrailers = undefined;
    try {
      this.#stream.sendTrailers(trailers);
    } catch {
      // Runs inside a Node event: a throw here would crash the process. The reset tells the client.
      if (this.#isOpen()) this.#stream.close(NGHTTP2_INTERNAL_ERROR);
      return;
    }
    if (!this.#stream.readableEnded) resetAfterStatus(this.#stream, this.#resetCode);
  }
}
