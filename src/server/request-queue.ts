import { GrpcError } from "../grpc-error.js";
import { decodeMessage } from "../codec/message-codec.js";
import { Status } from "../status.js";
import type { CallStream, ServerCall } from "./server-call.js";

// Above this many buffered request bytes the h2 stream is paused, so Node stops reading it and
// the HTTP/2 flow-control window closes on the client: the sender waits for the handler.
const HIGH_WATER_MARK_BYTES = 64 * 1024;

type Pending = { resolve(result: IteratorResult<unknown>): void; reject(error: unknown): void };

/**
 * The request side of a streaming call: an async iterable fed from the stream's 'data' events.
 * Framing or decoding errors end the call at once with their status (INTERNAL,
 * RESOURCE_EXHAUSTED); a client cancel makes the iterator throw CANCELLED.
 */
export class RequestQueue implements AsyncIterable<unknown>, AsyncIterator<unknown> {
  readonly #call: ServerCall;
  // Decoded messages, or promises of them for compressed frames (decoded in arrival order).
  readonly #buffer: unknown[] = [];
  readonly #sizes: number[] = [];
  #head = 0;
  #bufferedBytes = 0;
  #isPaused = false;
  #isEnded = false;
  #error: GrpcError | undefined;
  #pending: Pending | undefined;
  #isIterating = false;

  constructor(call: ServerCall) {
    this.#call = call;
    const stream = call.stream;
    stream.on("data", onRequestData);
    stream.on("end", onRequestEnd);
    stream.on("close", onRequestClose);
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
      this.#call.stream.resume();
    }
    if (value instanceof Promise) return value.then(toResult);
    return Promise.resolve({ done: false, value });
  }

  onData(chunk: Buffer): void {
    if (this.#error !== undefined || this.#call.isFinished) return;
    try {
      const frames = this.#call.decoder.push(chunk);
      for (const frame of frames) {
        const message = decodeMessage(
          this.#call.method.requestSerializer,
          frame,
          this.#call.requestCompression,
          this.#call.config.maxReceiveMessageBytes,
        );
        if (message instanceof Promise) message.catch((error: unknown) => this.fail(GrpcError.from(error, Status.INTERNAL)));
        this.#deliver(message, frame.payload.length);
      }
    } catch (error) {
      this.fail(GrpcError.from(error, Status.INTERNAL));
      return;
    }
    if (this.#bufferedBytes >= HIGH_WATER_MARK_BYTES && !this.#isPaused) {
      this.#isPaused = true;
      this.#call.stream.pause();
    }
  }

  #deliver(message: unknown, bytes: number): void {
    const pending = this.#pending;
    if (pending !== undefined && this.#head === this.#buffer.length) {
      this.#pending = undefined;
      if (message instanceof Promise) message.then((value) => pending.resolve({ done: false, value }), pending.reject);
      else pending.resolve({ done: false, value: message });
      return;
    }
    this.#buffer.push(message);
    this.#sizes.push(bytes);
    this.#bufferedBytes += bytes;
  }

  onEnd(): void {
    // Node ends the readable side of a stream the client reset too; that is a cancel, not an end.
    if (this.#call.stream.aborted) {
      this.onClose();
      return;
    }
    try {
      this.#call.decoder.finish();
    } catch (error) {
      this.fail(GrpcError.from(error, Status.INTERNAL));
      return;
    }
    this.#isEnded = true;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve({ done: true, value: undefined });
  }

  /** Ends the call with `error` (a bad frame or message) and makes the iterator throw it. */
  fail(error: GrpcError): void {
    this.#call.fail(error, false);
    this.#reject(error);
  }

  onClose(): void {
    if (this.#isEnded) return;
    this.#reject(new GrpcError(Status.CANCELLED, "call cancelled by the client"));
  }

  #reject(error: GrpcError): void {
    this.#error ??= error;
    this.#buffer.length = 0;
    this.#sizes.length = 0;
    this.#bufferedBytes = 0;
    this.#head = 0;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(this.#error);
  }
}

const QUEUE = Symbol("h2grpc.requestQueue");
interface QueueStream extends CallStream {
  [QUEUE]?: RequestQueue;
}

/** Attaches a request queue to the call's stream and returns it. */
export function openRequestQueue(call: ServerCall): RequestQueue {
  const queue = new RequestQueue(call);
  (call.stream as QueueStream)[QUEUE] = queue;
  return queue;
}

function queueOf(stream: QueueStream): RequestQueue | undefined {
  return stream[QUEUE];
}

function onRequestData(this: QueueStream, chunk: Buffer): void {
  queueOf(this)?.onData(chunk);
}

function onRequestEnd(this: QueueStream): void {
  queueOf(this)?.onEnd();
}

function onRequestClose(this: QueueStream): void {
  queueOf(this)?.onClose();
  this[QUEUE] = undefined;
}

function toResult(value: unknown): IteratorResult<unknown> {
  return { done: false, value };
}
