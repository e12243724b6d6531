import { GrpcError } from "../../grpc-error.js";
import { Metadata } from "../../metadata.js";
import { Status } from "../../status.js";
import type { ResponseListener } from "./call-setup.js";
import type { ClientCall } from "./client-call.js";
import type { IncomingResponse } from "../client-interceptor.js";

// Read-ahead of responses: past this many unread messages the stream is paused, so its HTTP/2
// window closes and the server stops sending (flow control reaches the peer).
const PAUSE_AT_MESSAGES = 16;
const RESUME_AT_MESSAGES = 4;

/**
 * The response side of a streaming call as an async iterator with a small buffer. Resolves
 * `response` when headers arrive (or the call ends Trailers-Only); a non-OK status is thrown
 * after the last message; return() (a `break` out of `for await`) cancels the call.
 */
export class ResponseQueue implements ResponseListener, AsyncIterableIterator<unknown> {
  /** Resolves once the response headers arrive; rejects with the call's error if it ends without any. */
  readonly response: Promise<IncomingResponse>;
  readonly trailers: Promise<Metadata>;
  #call: ClientCall | undefined;
  #buffer: unknown[] = [];
  #isPaused = false;
  #isDone = false;
  #error: GrpcError | undefined;
  #reader: { resolve(result: IteratorResult<unknown>): void; reject(error: unknown): void } | undefined;
  #settleResponse: ((headers: Metadata | undefined, error: GrpcError | undefined) => void) | undefined;
  #resolveTrailers!: (trailers: Metadata) => void;

  constructor() {
    this.trailers = new Promise((resolve) => {
      this.#resolveTrailers = resolve;
    });
    this.response = new Promise((resolve, reject) => {
      this.#settleResponse = (headers, error) => {
        this.#settleResponse = undefined;
        if (error !== undefined) reject(error);
        else resolve({ headers: headers ?? new Metadata(), responses: this, trailers: this.trailers });
      };
    });
    // An interceptor may drop this promise; its rejection must never become an unhandled rejection.
    this.response.catch(() => {});
  }

  /** Binds the call whose reading this queue pauses and resumes. */
  attach(call: ClientCall): void {
    this.#call = call;
  }

  onHeaders(headers: Metadata): void {
    this.#settleResponse?.(headers, undefined);
  }

  onMessage(message: unknown): void {
    const reader = this.#reader;
    if (reader !== undefined) {
      this.#reader = undefined;
      reader.resolve({ value: message, done: false });
      return;
    }
    this.#buffer.push(message);
    if (!this.#isPaused && this.#buffer.length >= PAUSE_AT_MESSAGES) {
      this.#isPaused = true;
      this.#call?.setReading(false);
    }
  }

  onEnd(error: GrpcError | undefined, trailers: Metadata): void {
    this.#isDone = true;
    this.#error = error;
    this.#resolveTrailers(trailers);
    this.#settleResponse?.(undefined, error);
    const reader = this.#reader;
    if (reader === undefined) return;
    this.#reader = undefined;
    if (error === undefined) reader.resolve({ value: undefined, done: true });
    else {
      this.#error = undefined; // thrown once; later next() calls report done
      reader.reject(error);
    }
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#buffer.length > 0) {
      const value = this.#buffer.shift();
      if (this.#isPaused && this.#buffer.length <= RESUME_AT_MESSAGES) {
        this.#isPaused = false;
        this.#call?.setReading(true);
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#isDone) {
      const error = this.#error;
      this.#error = undefined;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject };
    });
  }

  /** Stops reading: cancels the call if it is still running (RST_STREAM CANCEL). */
  return(): Promise<IteratorResult<unknown>> {
    this.#buffer = [];
    if (!this.#isDone) this.#call?.cancel(new GrpcError(Status.CANCELLED, "the client stopped reading responses"));
    this.#error = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
