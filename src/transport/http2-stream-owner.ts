import type http2 from "node:http2";
import type { GrpcError } from "../grpc-error.js";

// A server handles thousands of streams a second, and a closure per stream and event would be
// garbage on every call. So each listener here is one shared function: Node calls it with the
// stream as `this`, and it finds the call that owns the stream on the stream itself.

/** What a server stream's events are handed to: the gRPC call it carries (Http2ServerStream). */
export interface Http2StreamOwner {
  /** A DATA chunk of the request. */
  onData(chunk: Buffer): void;
  /** The client half-closed (or reset: the owner tells them apart). */
  onEnd(): void;
  /** 'aborted', and 'close' (after the status or not): the client reset the stream, or the connection went. */
  onPeerGone(): void;
  /** Node asks for the trailers after the last DATA frame ('wantTrailers'). */
  sendPendingTrailers(): void;
  /** Ends the call from below (a server shutting down) with `reason` as its status. */
  abort(reason: GrpcError): void;
}

const OWNER = Symbol("h2grpc.http2ServerStream");
type OwnedStream = http2.ServerHttp2Stream & { [OWNER]?: Http2StreamOwner };

/** Makes `owner` the call of `stream` and routes the stream's lifetime events to it until 'close'. */
export function attachStreamOwner(stream: http2.ServerHttp2Stream, owner: Http2StreamOwner): void {
  (stream as OwnedStream)[OWNER] = owner;
  stream.on("close", onClose);
  stream.on("aborted", onAborted);
  stream.on("error", ignoreStreamError);
  stream.on("wantTrailers", onWantTrailers);
}

/** Routes the request's DATA and its end to the stream's owner (once the owner wants to read). */
export function routeRequestData(stream: http2.ServerHttp2Stream): void {
  stream.on("data", onData);
  stream.on("end", onEnd);
}

/** The call that owns `stream`, while the stream is open. */
export function streamOwnerOf(stream: http2.ServerHttp2Stream): Http2StreamOwner | undefined {
  return (stream as OwnedStream)[OWNER];
}

function onData(this: OwnedStream, chunk: Buffer): void {
  this[OWNER]?.onData(chunk);
}

function onEnd(this: OwnedStream): void {
  this[OWNER]?.onEnd();
}

function onAborted(this: OwnedStream): void {
  this[OWNER]?.onPeerGone();
}

function onClose(this: OwnedStream): void {
  const owner = this[OWNER];
  owner?.onPeerGone();
  // The stream is done: a late event (or a listener's shutdown sweep) finds no call on it.
  this[OWNER] = undefined;
}

function onWantTrailers(this: OwnedStream): void {
  this[OWNER]?.sendPendingTrailers();
}

function ignoreStreamError(): void {
  // Stream errors (a reset client, a write after close) end the call through 'close'.
}
