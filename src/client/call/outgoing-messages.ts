import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { WriteOptions } from "../call-options.js";

interface PendingWrite {
  readonly message: unknown;
  readonly options: WriteOptions | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The requests of a call object as an async iterator the request pump pulls from. A write()
 * resolves when the pump asks for the next message, i.e. once the previous one was handed to the
 * stream and the stream drained: backpressure without a buffer.
 */
export class OutgoingMessages implements AsyncIterableIterator<unknown> {
  #pending: PendingWrite[] = [];
  #inFlight: PendingWrite | undefined;
  #puller: ((result: IteratorResult<unknown>) => void) | undefined;
  #isEnded = false;
  #isClosed = false;
  #closeError: GrpcError | undefined;
  /** The write options of the message last handed to the pump. */
  currentOptions: WriteOptions | undefined;

  /** Queues a message; rejects with the call's error once it failed, or if end() was called. */
  write(message: unknown, options?: WriteOptions): Promise<void> {
    if (this.#isClosed) return this.#closeError === undefined ? Promise.resolve() : Promise.reject(this.#closeError);
    if (this.#isEnded) return Promise.reject(new GrpcError(Status.INTERNAL, "write() after end() or after the call stopped sending"));
    return new Promise((resolve, reject) => {
      const write = { message, options, resolve, reject };
      const puller = this.#puller;
      if (puller === undefined) {
        this.#pending.push(write);
        return;
      }
      this.#puller = undefined;
      this.#handOut(write, puller);
    });
  }

  /** No more messages: the pump half-closes after the queued ones. */
  end(): void {
    this.#isEnded = true;
    if (this.#pending.length === 0) this.#finishPuller();
  }

  /** The call ended: pending writes settle (rejecting with `error` if it failed) and later ones too. */
  close(error: GrpcError | undefined): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#closeError = error;
    const writes = this.#inFlight === undefined ? this.#pending : [this.#inFlight, ...this.#pending];
    this.#pending = [];
    this.#inFlight = undefined;
    for (const write of writes) {
      if (error === undefined) write.resolve();
      else write.reject(error);
    }
    this.#finishPuller();
  }

  next(): Promise<IteratorResult<unknown>> {
    this.#inFlight?.resolve(); // the pump took the previous message and the stream drained
    this.#inFlight = undefined;
    const write = this.#pending.shift();
    if (write !== undefined) return new Promise((resolve) => this.#handOut(write, resolve));
    if (this.#isEnded || this.#isClosed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#puller = resolve;
    });
  }

  /**
   * The pump stopped pulling (the call ended, or a request failed to encode). Pending writes stay
   * pending until close() settles them with the call's outcome, so a rejected write reports why.
   */
  return(): Promise<IteratorResult<unknown>> {
    this.#isEnded = true;
    this.#finishPuller();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #handOut(write: PendingWrite, deliver: (result: IteratorResult<unknown>) => void): void {
    this.#inFlight = write;
    this.currentOptions = write.options;
    deliver({ value: write.message, done: false });
  }

  #finishPuller(): void {
    const puller = this.#puller;
    this.#puller = undefined;
    puller?.({ value: undefined, done: true });
  }
}
