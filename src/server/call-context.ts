import type { PeerCertificate } from "../transport/tls.js";
import type { AnyMethodDefinition } from "../definition.js";
import type { Metadata } from "../metadata.js";

/** What a handler knows about its call, and how it shapes the response around its messages. */
export interface ServerCallContext {
  /** The method being called. */
  readonly method: AnyMethodDefinition;
  /** The request metadata (custom headers; reserved gRPC and HTTP/2 headers are left out). */
  readonly metadata: Metadata;
  /**
   * Aborts when the deadline passes (reason: GrpcError DEADLINE_EXCEEDED), the client cancels
   * (CANCELLED), the server shuts down (UNAVAILABLE), and when the call completes. Pass it on.
   */
  readonly signal: AbortSignal;
  /** The call's deadline in epoch ms: the client's grpc-timeout, capped by the server's maxCallMs; undefined for none. */
  readonly deadline: number | undefined;
  /** The client's address, "127.0.0.1:51234" or "[::1]:51234". */
  readonly peer: string;
  /** The client's TLS certificate (mTLS), or undefined. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** Response headers; sent with the first message or the status, unless sendHeader sends them earlier. */
  readonly header: Metadata;
  /** Response trailers, sent with the status (OK or error). */
  readonly trailer: Metadata;
  /** Sends the response headers now (merging `metadata` into `header`); throws FAILED_PRECONDITION if already sent. */
  sendHeader(metadata?: Metadata): void;
  /**
   * Compresses the messages sent after this call with `encoding` ("gzip", "deflate" or "identity"),
   * if the client accepts it; throws INVALID_ARGUMENT for an encoding h2grpc does not support.
   */
  setCompression(encoding: string): void;
}
