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
 * resolves once its message was written to the stream and the stream can take more (the pump
 * reports both, markWritten(), since it may write several messages in one batch); pulled through
 * anything else (an interceptor's wrapper), when the next message is pulled. Backpressure without
 * a buffer: the pump pulls only while the stream can take more.
 */
export class OutgoingMessages implements AsyncIterableIterator<unknown> {
  #pending: PendingWrite[] = [];
  /** Handed to the puller, in order, and not settled yet: the first #writtenCount of them are written. */
  #handedOut: PendingWrite[] = [];
  #writtenCount = 0;
  /** True when the request pump reports writes (markWritten); otherwise the next pull settles a write. */
  #isSettledOnWrite = false;
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
    const writes = this.#handedOut.length === 0 ? this.#pending : [...this.#handedOut, ...this.#pending];
    this.#pending = [];
    this.#handedOut = [];
    this.#writtenCount = 0;
    for (const write of writes) {
      if (error === undefined) write.resolve();
      else write.reject(error);
    }
    this.#finishPuller();
  }

  /** The request pump pulls directly and reports what it wrote with markWritten(). */
  settleOnWrite(): void {
    this.#isSettledOnWrite = true;
  }

  /**
   * The next `count` messages handed out were written; their writes resolve now, or once `drained`
   * does when the stream is full (the messages written before them too, if still waiting).
   */
  markWritten(count: number, drained: Promise<void> | undefined): void {
    this.#writtenCount += count;
    if (drained === undefined) this.#settleWritten();
    else void drained.then(() => this.#settleWritten());
  }

  next(): Promise<IteratorResult<unknown>> {
    // Pulled through a wrapper: the previous message was taken, and the stream drained.
    if (!this.#isSettledOnWrite) this.#settleHandedOut(this.#handedOut.length);
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

  #settleWritten(): void {
    const count = Math.min(this.#writtenCount, this.#handedOut.length);
    this.#writtenCount -= count;
    this.#settleHandedOut(count);
  }

  #settleHandedOut(count: number): void {
    if (count === 0) return;
    const writes = count === this.#handedOut.length ? this.#handedOut : this.#handedOut.slice(0, count);
    this.#handedOut = count === this.#handedOut.length ? [] : this.#handedOut.slice(count);
    for (const write of writes) write.resolve();
  }

  #handOut(write: PendingWrite, deliver: (result: IteratorResult<unknown>) => void): void {
    this.#handedOut.push(write);
    this.currentOptions = write.options;
    deliver({ value: write.message, done: false });
  }

  #finishPuller(): void {
    const puller = this.#puller;
    this.#puller = undefined;
    puller?.({ value: undefined, done: true });
  }
}
