import type { PeerCertificate } from "node:tls";
import type { Frame } from "../framing/frame.js";
import type { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";

// The server side of the transport seam (ARCHITECTURE.md §2): one incoming call, whatever carried
// it. gRPC over HTTP/2 is one implementation (http2-server-stream.ts); gRPC-Web and Connect over
// HTTP/1.1 or HTTP/2 are others. The call pipeline in src/server sees only this: request headers
// in protocol-neutral terms, request messages as frames, and a response of headers, frames and a
// status. Framing, flow control, trailers (or their protocol's stand-in), the reset-after-status
// rule and the mapping of peer resets all live below it.

/** The wire protocol a call arrived on. */
export type WireProtocol = "grpc" | "grpc-web" | "grpc-web-text" | "connect";

/** How messages are encoded on the wire. */
export type MessageCodecName = "proto" | "json";

/** Receives a call's request messages, in order, then exactly one end (or nothing, if the call aborts). */
export interface FrameReceiver {
  /** One request message: its payload, and whether it is compressed with the request's encoding. */
  onFrame(frame: Frame): void;
  /** The client finished sending (half-close), after its last frame. */
  onEnd(): void;
  /**
   * The request stream is broken (a frame over the size limit, a truncated frame, a bad flag):
   * the stream has already answered the call with `error`'s status, which the receiver reports.
   */
  onError(error: GrpcError): void;
}

/** One incoming call as the server pipeline sees it. Reading a property never throws. */
export interface ServerCallStream {
  readonly protocol: WireProtocol;
  /** "/pkg.Service/Method" */
  readonly path: string;
  /** The request's custom metadata (reserved headers left out), parsed on first access. */
  readonly metadata: Metadata;
  /** The client's timeout in ms (grpc-timeout, connect-timeout-ms), or undefined for none. */
  readonly timeoutMs: number | undefined;
  /** The compression of the request's messages ("gzip"), or undefined for identity. */
  readonly requestEncoding: string | undefined;
  /** The compressions the client accepts for responses, as its header lists them, or undefined. */
  readonly acceptEncoding: string | undefined;
  /** How messages are encoded: protobuf binary, or JSON (Connect's application/json, gRPC's +json). */
  readonly codec: MessageCodecName;
  /** The client's address, "127.0.0.1:51234" or "[::1]:51234". */
  readonly peer: string;
  /** The client's TLS certificate (mTLS), or undefined. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** True once the response headers went out (then a status goes in trailers, not Trailers-Only). */
  readonly hasSentHeaders: boolean;

  /** Starts delivering request frames to `receiver`; call once. */
  receive(receiver: FrameReceiver): void;
  /** Stops reading request frames (the peer's flow-control window closes) until resumeReceiving(). */
  pauseReceiving(): void;
  resumeReceiving(): void;
  /**
   * Calls `listener` once if the call ends without finish(): the client cancelled, the connection
   * was lost, the server shut down. Its reason is a GrpcError (CANCELLED, UNAVAILABLE).
   */
  onAbort(listener: (reason: GrpcError) => void): void;

  /** Sends the response headers now: `metadata`, and `encoding` naming the responses' compression. */
  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void;
  /**
   * Writes framed response messages (each the 5-byte header and its payload, framing/frame.ts;
   * `messages` of them, 1 unless given, one after the other in `frames`), sending default headers
   * first if none went out; returns false when the caller should await drained() before the next
   * (backpressure).
   */
  sendFrame(frames: Uint8Array, messages?: number): boolean;
  /** Resolves when the stream can take more frames, or has ended. */
  drained(): Promise<void>;
  /**
   * Ends the call with OK (`error` undefined) or `error`, sending `lastFrame` first if given and
   * then the status and `trailers`; a Trailers-Only response, carrying `unsentHeaders`, when no
   * headers went out. A client still sending is then reset (RFC 9113 §8.1), with CANCEL after
   * DEADLINE_EXCEEDED (as grpc-go). Idempotent: the first call wins. Never throws: returns the
   * error when Node refused to send the status (the stream is then reset with INTERNAL_ERROR).
   */
  finish(error: GrpcError | undefined, trailers: Metadata | undefined, unsentHeaders: Metadata | undefined, lastFrame?: Uint8Array): unknown;
}
