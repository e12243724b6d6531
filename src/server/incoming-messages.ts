import { decodeMessage } from "../codec/message-codec.js";
import type { Frame } from "../framing/frame.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { FrameReceiver } from "../transport/server-call-stream.js";
import type { ServerCall } from "./server-call.js";

// Above this many buffered request bytes the stream stops reading, so the HTTP/2 window closes on
// the client: the sender waits for the handler (flow control reaches the peer).
const HIGH_WATER_MARK_BYTES = 64 * 1024;

type Pending = { resolve(result: IteratorResult<unknown>): void; reject(error: unknown): void };

/** Who takes the one request of a unary or server-streaming call. */
export interface SingleReader {
  onRequest(request: unknown): void;
  onError(error: unknown): void;
}

/**
 * The request messages of one call, decoded from the frames the call stream delivers: an async
 * iterable for client-streaming and bidi handlers (pausing the stream while the handler lags), or,
 * for unary and server-streaming ones, exactly one request handed to a callback (readSingle): the
 * fast case, with no iterator and no promise. The one-request rule lives here and nowhere else.
 */
export class IncomingMessages implements FrameReceiver, AsyncIterable<unknown>, AsyncIterator<unknown> {
  readonly #call: ServerCall;
  // Decoded messages, or promises of them for compressed frames (decoded in arrival order).
  #buffer: unknown[] = [];
  #sizes: number[] = [];
  #head = 0;
  #bufferedBytes = 0;
  #isPaused = false;
  #isEnded = false;
  #error: GrpcError | undefined;
  #pending: Pending | undefined;
  #single: SingleReader | undefined;
  #isIterating = false;

  constructor(call: ServerCall) {
    this.#call = call;
  }

  /** Hands the call's one request to `reader` once the client half-closes; INTERNAL for none or a second one (grpc-go's cardinality check). */
  readSingle(reader: SingleReader): void {
    this.#single = reader;
    if (this.#error !== undefined) return reader.onError(this.#error);
    if (this.#buffer.length - this.#head > 1) return this.#failSingle(tooManyRequests());
    if (this.#isEnded) this.#deliverSingle();
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    if (this.#isIterating) throw new TypeError("the request stream can be iterated only once");
    this.#isIterating = true;
    return this;
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#head < this.#buffer.length) return this.#shift();
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#isEnded) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.#pending = { resolve, reject }));
  }

  /** Called by `for await` on break: the handler wants no more requests; nothing else changes. */
  return(): Promise<IteratorResult<unknown>> {
    return Promise.resolve({ done: true, value: undefined });
  }

  onFrame(frame: Frame): void {
    if (this.#error !== undefined || this.#call.isFinished) return;
    this.#call.observation?.onMessageReceived?.(frame.payload.length);
    let message: unknown;
    try {
      message = decodeMessage(this.#call.requestSerializer, frame, this.#call.requestCompression, this.#call.config.maxReceiveMessageBytes);
    } catch (error) {
      return this.#fail(GrpcError.from(error, Status.INTERNAL));
    }
    if (message instanceof Promise) message.catch((error: unknown) => this.#fail(GrpcError.from(error, Status.INTERNAL)));
    const pending = this.#pending;
    if (pending !== undefined && this.#head === this.#buffer.length) {
      this.#pending = undefined;
      if (message instanceof Promise) message.then((value) => pending.resolve({ done: false, value }), pending.reject);
      else pending.resolve({ done: false, value: message });
      return;
    }
    this.#buffer.push(message);
    this.#sizes.push(frame.payload.length);
    this.#bufferedBytes += frame.payload.length;
    if (this.#single !== undefined && this.#buffer.length - this.#head > 1) return this.#failSingle(tooManyRequests());
    if (this.#bufferedBytes >= HIGH_WATER_MARK_BYTES && !this.#isPaused) {
      this.#isPaused = true;
      this.#call.stream.pauseReceiving();
    }
  }

  onEnd(): void {
    this.#isEnded = true;
    if (this.#single !== undefined) return this.#deliverSingle();
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve({ done: true, value: undefined });
  }

  /** The stream already answered the call with `error` (a broken request stream). */
  onError(error: GrpcError): void {
    this.#fail(error);
  }

  /** The call ended before the client half-closed (cancel, deadline, shutdown): reading throws `reason`. */
  onAbort(reason: GrpcError): void {
    if (this.#isEnded) return;
    this.#reject(reason);
  }

  #deliverSingle(): void {
    const reader = this.#single as SingleReader;
    const count = this.#buffer.length - this.#head;
    if (count === 0) return this.#failSingle(noRequest());
    const request = this.#buffer[this.#head];
    this.#buffer.length = 0;
    this.#sizes.length = 0;
    this.#head = 0;
    if (request instanceof Promise) request.then((value) => reader.onRequest(value), (error: unknown) => reader.onError(error));
    else reader.onRequest(request);
  }

  #failSingle(error: GrpcError): void {
    this.#fail(error);
  }

  #shift(): Promise<IteratorResult<unknown>> {
    const value = this.#buffer[this.#head];
    this.#bufferedBytes -= this.#sizes[this.#head] as number;
    this.#buffer[this.#head++] = undefined;
    if (this.#head === this.#buffer.length) {
      this.#buffer.length = 0;
      this.#sizes.length = 0;
      this.#head = 0;
    }
    if (this.#isPaused && this.#bufferedBytes < HIGH_WATER_MARK_BYTES) {
      this.#isPaused = false;
      this.#call.stream.resumeReceiving();
    }
    if (value instanceof Promise) return value.then(toResult);
    return Promise.resolve({ done: false, value });
  }

  /** Ends the call with `error` (a bad frame or message) and makes reading throw it. */
  #fail(error: GrpcError): void {
    this.#call.fail(error, false);
    this.#reject(error);
  }

  #reject(error: GrpcError): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    this.#buffer = [];
    this.#sizes = [];
    this.#bufferedBytes = 0;
    this.#head = 0;
    const single = this.#single;
    this.#single = undefined;
    single?.onError(error);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}

/** The error for a unary or server-streaming call whose client half-closed without a request. */
export function noRequest(): GrpcError {
  return new GrpcError(Status.INTERNAL, "cardinality violation: received no request message for a non-client-streaming RPC");
}

/** The error for a unary or server-streaming call whose client sent a second request. */
export function tooManyRequests(): GrpcError {
  return new GrpcError(Status.INTERNAL, "cardinality violation: received more than one request message for a non-client-streaming RPC");
}

function toResult(value: unknown): IteratorResult<unknown> {
  return { done: false, value };
}
