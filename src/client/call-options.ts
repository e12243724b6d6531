import type { Metadata } from "../metadata.js";
import type { CallCredentials } from "./credentials/call-credentials.js";

/** Options of one call. Every field is optional; `timeoutMs` and `deadline` together mean the earlier. */
export interface CallOptions {
  /** Aborting it cancels the call (CANCELLED, RST_STREAM CANCEL). */
  readonly signal?: AbortSignal;
  /** Time the call may take, in ms from now; sent as grpc-timeout. */
  readonly timeoutMs?: number;
  /** The call's deadline, as epoch ms or a Date. */
  readonly deadline?: number | Date;
  /** Request metadata. */
  readonly metadata?: Metadata;
  /** Compress request messages: "gzip", "deflate" or "identity" (the default). */
  readonly compression?: string;
  /** Wait for the channel to connect (until the deadline) instead of failing fast with UNAVAILABLE. */
  readonly waitForReady?: boolean;
  /** Per-RPC credentials for this call, composed with the client's. */
  readonly credentials?: CallCredentials;
  /** Called with the response headers when they arrive (not called for a Trailers-Only response). */
  readonly onHeader?: (headers: Metadata) => void;
  /** Called with the trailers when the call ends, successful or not. */
  readonly onTrailer?: (trailers: Metadata) => void;
}

/** Options of one message write. */
export interface WriteOptions {
  /** false sends this message uncompressed even when the call compresses (interop client_compressed_streaming). */
  readonly compress?: boolean;
}
