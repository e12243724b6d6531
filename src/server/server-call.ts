import type { Compression } from "../codec/compression.js";
import { deadlineExceeded, armDeadline } from "../deadline.js";
import type { AnyMethodDefinition, Serializer } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import { Metadata } from "../metadata.js";
import { Status } from "../status.js";
import { FRAME_HEADER_BYTES } from "../framing/frame.js";
import type { CallCounters } from "../telemetry/call-counters.js";
import type { ServerCallObservation } from "../telemetry/call-observer.js";
import type { ServerCallStream } from "../transport/server-call-stream.js";
import type { ServerCallContext } from "./call-context.js";
import { HandlerContext } from "./handler-context.js";
import type { IncomingMessages } from "./incoming-messages.js";
import { BatchedWriter, type BatchTarget } from "../codec/batched-writer.js";
import { asResponseError, encodeResponse } from "./invalid-response.js";
import { ResponseCompression } from "./response-compression.js";
import type { MessageSerializers } from "./router.js";

/** Server-wide settings every call reads. */
export interface CallConfig {
  readonly maxReceiveMessageBytes: number;
  readonly maxSendMessageBytes: number;
  /** The server's default response compression. */
  readonly compression: string | undefined;
  readonly onCallError: ((error: unknown, context: ServerCallContext) => void) | undefined;
  /** The server's call counters (stats(), channelz). */
  readonly counters: CallCounters;
}

/**
 * One call as the server pipeline runs it (ARCHITECTURE.md §2): the call stream below, the
 * deadline, the signal the handler sees, the response metadata, and finishing, which is
 * idempotent (the first status wins; everything after it is dropped). Handlers never see this
 * object: they get its HandlerContext.
 */
export class ServerCall implements BatchTarget {
  readonly stream: ServerCallStream;
  readonly method: AnyMethodDefinition;
  readonly deadline: number | undefined;
  readonly config: CallConfig;
  /** The request's compression, or undefined for identity. */
  readonly requestCompression: Compression | undefined;
  readonly requestSerializer: Serializer<unknown, unknown>;
  readonly #responseSerializer: Serializer<unknown, unknown>;
  /** True once a status has been sent, or the call aborted: later results are dropped. */
  isFinished = false;
  /** The request reader, told when the call ends before the client half-closed. */
  requests: IncomingMessages | undefined;
  /** What observers follow of the call; undefined when none do. */
  readonly observation: ServerCallObservation | undefined;
  #context: HandlerContext | undefined;
  #header: Metadata | undefined;
  #trailer: Metadata | undefined;
  #controller: AbortController | undefined;
  #abortReason: GrpcError | undefined;
  #disarmDeadline: (() => void) | undefined;
  // Created only when the server or the call asks for compression.
  #compression: ResponseCompression | undefined;
  // The responses of a stream sent in this turn of the event loop, written together (send()).
  #batch: BatchedWriter<unknown> | undefined;

  constructor(
    stream: ServerCallStream,
    method: AnyMethodDefinition,
    serializers: MessageSerializers,
    deadline: number | undefined,
    requestCompression: Compression | undefined,
    config: CallConfig,
    observation: ServerCallObservation | undefined,
  ) {
    this.observation = observation;
    this.stream = stream;
    this.method = method;
    this.requestSerializer = serializers.request;
    this.#responseSerializer = serializers.response;
    this.deadline = deadline;
    this.requestCompression = requestCompression;
    this.config = config;
    stream.onAbort((reason) => this.#onAborted(reason));
    if (deadline !== undefined) this.#disarmDeadline = armDeadline(deadline, () => this.#onDeadline());
  }

  /** The handler's view of this call; made on first use. */
  get context(): HandlerContext {
    return (this.#context ??= new HandlerContext(this));
  }

  get header(): Metadata {
    return (this.#header ??= new Metadata());
  }

  get trailer(): Metadata {
    return (this.#trailer ??= new Metadata());
  }

  /** Made on first access: a handler that never looks at it costs no AbortController. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  /** Sends the response headers now (merging `metadata`); throws FAILED_PRECONDITION if already sent. */
  sendHeader(metadata?: Metadata): void {
    // A response waiting in the batch counts as sent: it was, before batching, and must stay so.
    if (this.stream.hasSentHeaders || this.isFinished || (this.#batch?.messageCount ?? 0) > 0) throw new GrpcError(Status.FAILED_PRECONDITION, "response headers were sent already");
    if (metadata !== undefined) this.header.merge(metadata);
    this.#sendHeaders();
  }

  /** Asks for `encoding` from the next message on; throws INVALID_ARGUMENT for one h2grpc does not support. */
  setCompression(encoding: string): void {
    this.#responseCompression().set(encoding);
  }

  /** Serializes and frames a response; throws INTERNAL (a response that does not fit its type) or RESOURCE_EXHAUSTED. */
  encode(message: unknown): Uint8Array | Promise<Uint8Array> {
    const compression = this.#isCompressing() ? this.#responseCompression().forMessage() : undefined;
    return encodeResponse(this.#responseSerializer, message, compression, this.config.maxSendMessageBytes);
  }

  /** Writes one response frame after the batched ones (nothing once the call ended: a late compression); false: await drained(). */
  #write(frame: Uint8Array): boolean {
    if (this.isFinished) return false;
    return this.#writer().writeOne(frame, frame.length - FRAME_HEADER_BYTES);
  }

  /**
   * Sends one response of a stream. Uncompressed responses sent in the same turn of the event loop
   * are serialized into one buffer and written together when the turn ends (or at BATCH_BYTES), so
   * a burst of small messages costs one write, not one each; compressed ones are written one by
   * one. False (or a promise of false) when the caller should await drained() first; throws
   * InvalidResponseError or RESOURCE_EXHAUSTED for a response it cannot send.
   */
  send(message: unknown): boolean | Promise<boolean> {
    if (this.#isCompressing()) {
      const encoded = this.encode(message);
      return encoded instanceof Promise ? encoded.then((frame) => this.#write(frame)) : this.#write(encoded);
    }
    try {
      return this.#writer().add(message);
    } catch (error) {
      throw asResponseError(error);
    }
  }

  /** Writes the batched responses now; false when the stream is full (await drained()). */
  flush(): boolean {
    return this.#batch?.flush() ?? true;
  }

  /** Resolves once the batched responses are written and the stream can take more, or has ended. */
  async drained(): Promise<void> {
    if (this.flush()) return;
    await this.stream.drained();
    this.#batch?.onDrained();
  }

  /** True until the call has ended: a batch written after that is dropped (BatchTarget). */
  get isWritable(): boolean {
    return !this.isFinished;
  }

  /** Writes a batch of responses and tells observers each one went out (BatchTarget). */
  writeBatch(frames: Uint8Array, messages: number, sizes: readonly number[] | undefined): boolean {
    if (sizes !== undefined) for (let i = 0; i < sizes.length; i++) this.observation?.onMessageSent?.(sizes[i] as number);
    return this.#writeFrames(frames, messages);
  }

  /** A batch written at the end of its turn threw: the call fails with it (BatchTarget). */
  onBatchError(error: unknown): void {
    this.fail(error);
  }

  /** Ends the call with OK, sending the batched responses and `lastFrame` (if any) and the trailers; Trailers-Only when nothing was sent. */
  finishOk(lastFrame?: Uint8Array): void {
    if (this.isFinished) return;
    try {
      this.flush(); // the batched responses go out before the status
    } catch (error) {
      return this.fail(error);
    }
    if (lastFrame !== undefined) this.observation?.onMessageSent?.(lastFrame.length - FRAME_HEADER_BYTES);
    this.isFinished = true;
    if (lastFrame !== undefined && !this.stream.hasSentHeaders && this.#needsHeaderBlock()) this.#sendHeaders();
    const sendError = this.stream.finish(undefined, this.#trailer, this.#header, lastFrame);
    if (sendError !== undefined) this.#report(sendError);
    this.#complete(undefined);
  }

  /**
   * Ends the call with `error` (GrpcError as is, anything else UNKNOWN with its message, never its
   * stack); errors from user code go to options.onCallError first.
   */
  fail(error: unknown, isFromUserCode = true): void {
    if (this.isFinished) return;
    const status = GrpcError.from(error);
    if (isFromUserCode) this.#report(error);
    try {
      this.flush(); // responses sent before the error still go out, ahead of its status
    } catch {
      // Node refused the headers or the write: the status below still ends the call.
    }
    this.isFinished = true;
    this.#abort(status);
    const sendError = this.stream.finish(status, this.#trailer, this.#header);
    if (sendError !== undefined) this.#report(sendError);
    this.#complete(status);
  }

  #writer(): BatchedWriter<unknown> {
    return (this.#batch ??= new BatchedWriter(this, this.#responseSerializer, this.config.maxSendMessageBytes, this.observation?.onMessageSent !== undefined));
  }

  #writeFrames(frames: Uint8Array, messages: number): boolean {
    if (!this.stream.hasSentHeaders && this.#needsHeaderBlock()) this.#sendHeaders();
    return this.stream.sendFrame(frames, messages);
  }

  #onDeadline(): void {
    this.#disarmDeadline = undefined;
    this.fail(deadlineExceeded(), false);
  }

  #onAborted(reason: GrpcError): void {
    if (this.isFinished) return;
    this.isFinished = true;
    this.#abort(reason);
    this.#complete(reason);
  }

  // ctx.signal aborts on completion too (so work handed the signal stops), with the first reason.
  #complete(status: GrpcError | undefined): void {
    this.#disarmDeadline?.();
    this.#disarmDeadline = undefined;
    this.#abort(CALL_COMPLETED);
    this.config.counters.callEnded(status === undefined);
    this.observation?.onEnd?.(status);
  }

  #abort(reason: GrpcError): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
    this.requests?.onAbort(reason);
  }

  #isCompressing(): boolean {
    return this.#compression !== undefined || this.config.compression !== undefined;
  }

  #needsHeaderBlock(): boolean {
    return this.#isCompressing() || (this.#header !== undefined && this.#header.size > 0);
  }

  #responseCompression(): ResponseCompression {
    return (this.#compression ??= new ResponseCompression(this.config.compression, this.stream.acceptEncoding));
  }

  #sendHeaders(): void {
    const encoding = this.#isCompressing() ? this.#responseCompression().forHeaders()?.name : undefined;
    this.stream.sendHeaders(this.#header !== undefined && this.#header.size > 0 ? this.#header : undefined, encoding);
  }

  #report(error: unknown): void {
    const onCallError = this.config.onCallError;
    if (onCallError === undefined) return;
    try {
      const result: unknown = onCallError(error, this.context);
      if (result instanceof Promise) result.catch(ignoreHookFailure);
    } catch {
      // A failing error hook must not change the call's outcome.
    }
  }
}

const CALL_COMPLETED = new GrpcError(Status.CANCELLED, "call completed");

function ignoreHookFailure(): void {
  // An async onCallError that rejects is the hook's own problem, never an unhandled rejection.
}
