import { BatchedWriter, type BatchTarget } from "../../codec/batched-writer.js";
import { encodeMessage } from "../../codec/message-codec.js";
import { FRAME_HEADER_BYTES, type Frame } from "../../framing/frame.js";
import { GrpcError } from "../../grpc-error.js";
import { Metadata } from "../../metadata.js";
import { Status } from "../../status.js";
import type { CallStreamEnd, CallStreamListener, ClientCallStream } from "../../transport/client-call-stream.js";
import type { ClientAttemptObservation } from "../../telemetry/call-observer.js";
import type { ClientConnection } from "../../transport/client-connection.js";
import type { WriteOptions } from "../call-options.js";
import type { ChannelCall, ChannelImpl } from "../channel/channel.js";
import { runCallback, type CallSetup, type ResponseListener } from "./call-setup.js";
import { attachCallSite, copyError } from "./call-site.js";
import { CallTiming, deadlineExceeded, errorFromAbort } from "./call-timing.js";
import { attemptHead, attemptOpener, openAttemptStream } from "./attempt-stream.js";
import { RetryingCallStream, type CallRetryPolicy } from "../retry/retrying-call-stream.js";
import { methodLimit } from "../service-config/method-call-options.js";
import { ResponseDecoder, type DecodedResponseSink } from "./response-decoder.js";

/**
 * One call, of any kind, as the client pipeline runs it (ARCHITECTURE.md §2): it gets a
 * connection from the channel, opens its stream there (the transport seam), writes the request
 * frames it is given, decodes what comes back and settles exactly once, through its listener. A
 * call the server never saw (isUnprocessed) is sent again once, when its whole request is known.
 */
export class ClientCall implements ChannelCall, CallStreamListener, DecodedResponseSink {
  readonly #channel: ChannelImpl;
  readonly #setup: CallSetup;
  readonly #listener: ResponseListener;
  readonly #decoder: ResponseDecoder;
  #stream: ClientCallStream | undefined;
  #metadata: Metadata | undefined;
  #isEnded = false;
  #isPaused = false;
  #endError: GrpcError | undefined;
  /** A request written whole with END_STREAM (a unary call), kept to send again if the server never saw it. */
  #replayFrame: Uint8Array | undefined;
  #hasReplayed = false;
  #hasWritten = false;
  /** The observers' view of the current attempt (a transparent retry is the next one). */
  #attempt: ClientAttemptObservation | undefined;
  /** Where the time went, for a DEADLINE_EXCEEDED message: kept only by a call that has a deadline or signal. */
  readonly #timing: CallTiming | undefined;
  /** The signal's abort listener, made only for a call that has a signal. */
  #onAbort: (() => void) | undefined;
  /** True once the channel counted the call as started (stats, channelz). */
  #isCounted = false;
  /** The service config's limits for this method, under the channel's. */
  readonly #maxSendMessageBytes: number;
  readonly #maxReceiveMessageBytes: number;
  /** The method's retry or hedging policy (gRFC A6); undefined: one attempt, the fast path. */
  readonly #retry: CallRetryPolicy | undefined;

  constructor(channel: ChannelImpl, setup: CallSetup, listener: ResponseListener) {
    this.#channel = channel;
    this.#setup = setup;
    this.#listener = listener;
    const config = channel.methodConfig(setup.method.path);
    this.#maxSendMessageBytes = methodLimit(channel.maxSendMessageBytes, config?.maxRequestMessageBytes);
    this.#maxReceiveMessageBytes = methodLimit(channel.maxReceiveMessageBytes, config?.maxResponseMessageBytes);
    this.#retry = channel.retries.policyFor(config);
    const isSingleResponse = setup.method.kind === "unary" || setup.method.kind === "client_streaming";
    this.#decoder = new ResponseDecoder(setup.method.responseSerializer, this.#maxReceiveMessageBytes, isSingleResponse, this);
    this.#metadata = setup.metadata;
    // Three clock reads a call: only worth it when the call can end by its deadline or signal.
    this.#timing = setup.deadline !== undefined || setup.signal !== undefined ? new CallTiming() : undefined;
  }

  get isEnded(): boolean {
    return this.#isEnded;
  }

  /** The error the call ended with; undefined while running or after OK. */
  get endError(): GrpcError | undefined {
    return this.#endError;
  }

  /** Serializes and frames a request; throws INVALID_ARGUMENT (does not fit its type), INTERNAL or RESOURCE_EXHAUSTED. */
  encodeRequest(message: unknown, options?: WriteOptions): Uint8Array | Promise<Uint8Array> {
    const compression = options?.compress === false ? undefined : this.#setup.compression;
    return encodeMessage(this.#setup.method.requestSerializer, message, compression, this.#maxSendMessageBytes);
  }

  /** A writer that batches uncompressed requests into `target` (request-pump.ts); a compressed one cannot join a batch. */
  requestWriter(target: BatchTarget): { readonly writer: BatchedWriter<unknown>; readonly isCompressing: boolean } {
    const writer = new BatchedWriter(target, this.#setup.method.requestSerializer, this.#maxSendMessageBytes, this.#setup.observation !== undefined);
    return { writer, isCompressing: this.#setup.compression !== undefined };
  }

  /**
   * Opens the stream once the channel has a connection (synchronously when it is READY), after
   * `metadata` (call credentials) resolves if given. Returns false, the call having ended through
   * its listener, if it could not be started.
   */
  start(metadata?: Promise<Metadata>): boolean | Promise<boolean> {
    const signal = this.#setup.signal;
    this.#channel.callStarted(this);
    this.#channel.counters.callStarted();
    this.#isCounted = true;
    if (signal !== undefined) {
      if (signal.aborted) return this.#endFromSignal(), false;
      this.#onAbort = () => this.#endFromSignal();
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
    if (metadata === undefined) return this.#acquireConnection();
    return metadata.then(
      (resolved) => {
        if (this.#isEnded) return false;
        this.#metadata = resolved;
        return this.#acquireConnection();
      },
      (error: unknown) => {
        this.#finish(GrpcError.from(error, Status.UNAVAILABLE), undefined);
        return false;
      },
    );
  }

  #acquireConnection(): boolean | Promise<boolean> {
    if (this.#retry !== undefined) return this.#startAttempts(this.#retry);
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
    const opened = this.#openStreamOn(connection, this, 0, this.#hasReplayed);
    if (opened instanceof GrpcError) {
      // GOAWAY (or a dying connection) raced this call: nothing was sent, so one retry on a new connection is safe.
      if (!isRetry && opened.code !== Status.DEADLINE_EXCEEDED) return this.#openWhenReady(true);
      this.#finish(opened, undefined);
      return false;
    }
    this.#stream = opened;
    if (this.#isPaused) opened.pauseReceiving();
    return true;
  }

  /**
   * Opens one attempt on `connection` with `listener`: the stream, or the error to end the attempt
   * with (the deadline passed, or the connection could not take a stream and was discarded).
   */
  #openStreamOn(connection: ClientConnection, listener: CallStreamListener, previousAttempts: number, isTransparentRetry: boolean): ClientCallStream | GrpcError {
    const head = attemptHead(this.#setup, this.#channel.authority, this.#metadata, this.#maxReceiveMessageBytes, previousAttempts);
    if (head === undefined) return deadlineExceeded(this.#timing, this.#channel.target, undefined);
    const stream = openAttemptStream(this.#channel, connection, head, listener);
    if (stream instanceof GrpcError) return stream;
    this.#timing?.connected(connection.address);
    const attempt = previousAttempts + (isTransparentRetry ? 2 : 1);
    this.#attempt = this.#setup.observation?.onAttemptStart?.({ address: connection.address, attempt, isTransparentRetry });
    return stream;
  }

  /** gRFC A6: the call's attempts run under its policy; from here on the stream is the retrying one. */
  #startAttempts(retry: CallRetryPolicy): true {
    const retries = this.#channel.retries;
    const open = attemptOpener(
      this.#channel,
      { path: this.#setup.method.path, waitForReady: this.#setup.waitForReady, signal: this.#setup.signal },
      this.#setup.observation === undefined ? undefined : (error) => this.#attempt?.onEnd?.(error),
      (connection, listener, previousAttempts) => this.#openStreamOn(connection, listener, previousAttempts, false),
    );
    this.#stream = new RetryingCallStream({ retry, throttle: retries.throttle, buffer: retries.newBuffer(), open }, this);
    if (this.#isPaused) this.#stream.pauseReceiving();
    return true;
  }

  /**
   * Writes framed requests: one, or `messages` in one buffer (a batch, `sizes` their payload lengths
   * when observers count them). `isLast` half-closes in the same write. False: await drain() first.
   */
  writeFrame(frames: Uint8Array, isLast: boolean, messages = 1, sizes?: readonly number[]): boolean {
    const stream = this.#stream;
    if (stream === undefined || this.#isEnded) return true;
    if (isLast && !this.#hasReplayed && !this.#hasWritten) this.#replayFrame = frames;
    if (!isLast) this.#hasWritten = true;
    const attempt = this.#attempt;
    if (attempt?.onMessageSent !== undefined) {
      if (sizes === undefined) attempt.onMessageSent(frames.length - FRAME_HEADER_BYTES);
      else for (const size of sizes) attempt.onMessageSent(size);
    }
    return stream.sendFrame(frames, isLast, messages);
  }

  /** Half-closes the request side. */
  halfClose(): void {
    if (!this.#isEnded) this.#stream?.closeSend();
  }

  /** Resolves when the stream can take more frames, or the call has ended. */
  drain(): Promise<void> {
    return this.#stream === undefined || this.#isEnded ? Promise.resolve() : this.#stream.drained();
  }

  /** Stops reading responses (the server's window closes) until asked to read again. */
  setReading(isReading: boolean): void {
    this.#isPaused = !isReading;
    if (isReading) this.#stream?.resumeReceiving();
    else this.#stream?.pauseReceiving();
  }

  /** Ends the call with `error` and cancels it on the wire (RST_STREAM CANCEL); no-op once ended. */
  cancel(error: GrpcError): void {
    if (this.#isEnded) return;
    const stream = this.#stream;
    this.#finish(error, undefined);
    stream?.cancel();
  }

  abortFromChannel(error: GrpcError): void {
    this.cancel(copyError(error));
  }

  #endFromSignal(): void {
    this.cancel(errorFromAbort(this.#setup.signal?.reason, this.#timing, this.#channel.target));
  }

  onHeaders(metadata: Metadata, encoding: string | undefined): void {
    if (this.#isEnded) return;
    this.#timing?.headersReceived();
    this.#decoder.encoding = encoding;
    const callbackError = runCallback(this.#setup.onHeader, metadata);
    if (callbackError !== undefined) return this.cancel(callbackError);
    this.#listener.onHeaders(metadata);
  }

  onFrame(frame: Frame): void {
    if (this.#isEnded) return;
    this.#attempt?.onMessageReceived?.(frame.payload.length);
    this.#decoder.decode(frame);
  }

  onEnd(end: CallStreamEnd): void {
    if (this.#isEnded) return;
    const pending = this.#decoder.pending;
    if (pending !== undefined) void pending.then(() => this.#settle(end));
    else this.#settle(end);
  }

  onMessage(message: unknown): void {
    if (this.#isEnded) return;
    this.#timing?.messageReceived();
    this.#listener.onMessage(message);
  }

  onDecodeError(error: GrpcError): void {
    this.cancel(error);
  }

  #settle(end: CallStreamEnd): void {
    if (this.#isEnded) return;
    if (end.isUnprocessed && this.#replayFrame !== undefined && !this.#hasReplayed) {
      this.#attempt?.onEnd?.(end.error);
      this.#attempt = undefined;
      return this.#replay();
    }
    this.#finish(this.#decoder.errorAtEnd(end.error), end.trailers);
  }

  #replay(): void {
    const frame = this.#replayFrame as Uint8Array;
    this.#hasReplayed = true;
    this.#replayFrame = undefined;
    this.#stream = undefined;
    const opened = this.#acquireConnection();
    if (opened === true) this.writeFrame(frame, true);
    else if (opened !== false) void opened.then((isOpen) => isOpen && this.writeFrame(frame, true));
  }

  #finish(callError: GrpcError | undefined, trailers: Metadata | undefined): void {
    if (this.#isEnded) return;
    let error = callError;
    this.#isEnded = true;
    if (this.#onAbort !== undefined) this.#setup.signal?.removeEventListener("abort", this.#onAbort);
    this.#channel.callEnded(this);
    const trailerMetadata = trailers ?? new Metadata();
    const callbackError = runCallback(this.#setup.onTrailer, trailerMetadata); // called for every outcome
    error ??= callbackError;
    this.#endError = error;
    if (this.#isCounted) this.#channel.counters.callEnded(error === undefined);
    if (error !== undefined && this.#setup.callSite !== undefined) attachCallSite(error, this.#setup.callSite);
    this.#attempt?.onEnd?.(error);
    this.#setup.observation?.onEnd?.(error, trailerMetadata);
    this.#listener.onEnd(error, trailerMetadata);
  }
}
