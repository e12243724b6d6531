import type { Metadata } from "../metadata.js";
import type { WriteOptions } from "./call-options.js";

// The call objects of streaming RPCs. Their `headers` and `trailers` promises never reject (a
// call that fails resolves them with what was received), so leaving them unawaited is safe.

/** What every call object shares: the response metadata and a way to cancel. */
export interface CallMetadata {
  /** Response headers; empty for a Trailers-Only response. */
  readonly headers: Promise<Metadata>;
  /** Response trailers, once the call has ended. */
  readonly trailers: Promise<Metadata>;
  /** Cancels the call: RST_STREAM CANCEL, and the call fails with CANCELLED. */
  cancel(): void;
}

/** The write half of a streaming request. */
export interface RequestWriter<Req> {
  /**
   * Sends one message (the messages written in one turn go out together); resolves once it was
   * written and the stream can take more (backpressure); rejects with the call's GrpcError if the
   * call ended first.
   */
  write(message: Req, options?: WriteOptions): Promise<void>;
  /** Half-closes: no more requests. */
  end(): void;
}

/** A server-streaming call: iterate it for the responses; a non-OK status is thrown after the last one. */
export interface ServerStreamingCall<ResOut> extends CallMetadata, AsyncIterable<ResOut> {}

/** A client-streaming call made without an iterable: write, end, then await `response`. */
export interface ClientStreamingCall<Req, ResOut> extends CallMetadata, RequestWriter<Req> {
  /** The response; rejects with GrpcError. Safe to leave unawaited: rejections are marked handled. */
  readonly response: Promise<ResOut>;
}

/** A bidi call: write and end the requests, iterate the responses. */
export interface BidiStreamingCall<Req, ResOut> extends CallMetadata, RequestWriter<Req>, AsyncIterable<ResOut> {}
