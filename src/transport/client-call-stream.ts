import type { Frame } from "../framing/frame.js";
import type { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";

// The client side of the transport seam (ARCHITECTURE.md §2): one outgoing call on one
// connection. The call pipeline in src/client hands request headers and framed messages down and
// gets response headers, frames and exactly one end back; HTTP/2 streams, header encoding,
// status trailers, resets and connection failures are mapped below it (http2-client-stream.ts).

/** What a call's request headers carry, in protocol-neutral terms. */
export interface OutgoingCallHead {
  /** "/pkg.Service/Method" */
  readonly path: string;
  /** The :authority (host:port, or the TLS server-name override). */
  readonly authority: string;
  /** Remaining time until the deadline in ms, or undefined for none. */
  readonly timeoutMs: number | undefined;
  /** The compression of request messages, or undefined for identity. */
  readonly encoding: string | undefined;
  /** The grpc-accept-encoding value to advertise. */
  readonly acceptEncoding: string;
  /** Custom request metadata (call credentials' included). */
  readonly metadata: Metadata | undefined;
  /** The largest response message accepted; a larger frame ends the call with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageBytes: number;
  /** gRFC A6: how many attempts of this call came before (sent as grpc-previous-rpc-attempts); 0 or undefined for the first. */
  readonly previousAttempts?: number | undefined;
}

/** How one call on a connection ended. */
export interface CallStreamEnd {
  /** The status: undefined for OK; the trailers' error, or the transport's (reset, lost connection). */
  readonly error: GrpcError | undefined;
  /** The trailers (or Trailers-Only headers); empty when none arrived. */
  readonly trailers: Metadata;
  /**
   * True when the server provably did no work on the call (REFUSED_STREAM, or a stream above a
   * GOAWAY's last stream id, before any response headers): it may be sent again transparently.
   */
  readonly isUnprocessed: boolean;
  /**
   * gRFC A6 pushback from the trailers' grpc-retry-pushback-ms: the ms to wait before a retry, -1
   * for "do not retry", undefined when the server said nothing.
   */
  readonly retryPushbackMs?: number | undefined;
}

/** Receives what comes back for one call, in order: headers (not for Trailers-Only), frames, one end. */
export interface CallStreamListener {
  /** The response headers, with the responses' grpc-encoding. */
  onHeaders(metadata: Metadata, encoding: string | undefined): void;
  /** One response message: its payload and whether it is compressed with the response encoding. */
  onFrame(frame: Frame): void;
  /** The call ended; nothing follows. Not called after cancel(). */
  onEnd(end: CallStreamEnd): void;
}

/** One outgoing call on a connection. No method throws. */
export interface ClientCallStream {
  /**
   * Writes framed request messages (framing/frame.ts; `messages` of them, 1 unless given, one
   * after the other in `frames`); `isLast` half-closes in the same write. Returns false when the
   * caller should await drained() before the next (backpressure).
   */
  sendFrame(frames: Uint8Array, isLast: boolean, messages?: number): boolean;
  /** Half-closes: no more request messages. */
  closeSend(): void;
  /** Resolves when the stream can take more frames, or has ended. */
  drained(): Promise<void>;
  /** Stops reading responses (the server's flow-control window closes) until resumeReceiving(). */
  pauseReceiving(): void;
  resumeReceiving(): void;
  /** Cancels the call on the wire (RST_STREAM CANCEL); the listener hears nothing more. */
  cancel(): void;
}
