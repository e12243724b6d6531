import { Metadata } from "./metadata.js";
import { decodeRpcStatus, type AnyMessage } from "./rpc-status.js";
import { Status } from "./status.js";

/** Options of a GrpcError beyond its code, details and metadata. */
export interface GrpcErrorOptions {
  /** The underlying error; kept on this side, never sent. */
  readonly cause?: unknown;
  /** google.rpc.Status details, sent in `grpc-status-details-bin`. */
  readonly statusDetails?: readonly AnyMessage[];
  /** The raw `grpc-status-details-bin` received from the peer; decoded on first access. */
  readonly rawStatusDetails?: Uint8Array;
}

/**
 * The one error type of h2grpc: a non-OK status with its details text and metadata (the headers
 * and trailers received with it, or the trailers to send with it). `message` reads
 * "[NOT_FOUND] user 42 not found"; `details` holds the raw text.
 */
export class GrpcError extends Error {
  override readonly name = "GrpcError";
  readonly code: Status;
  readonly details: string;
  readonly metadata: Metadata;
  readonly #statusDetails: readonly AnyMessage[] | undefined;
  readonly #rawStatusDetails: Uint8Array | undefined;

  /** Creates an error; throws RangeError for Status.OK, which is never an error (grpc-go invariant). */
  constructor(code: Status, details: string, metadata: Metadata = new Metadata(), options: GrpcErrorOptions = {}) {
    super(`[${Status[code] ?? code}] ${details}`, options.cause === undefined ? undefined : { cause: options.cause });
    if (code === Status.OK) throw new RangeError("a GrpcError cannot carry Status.OK");
    this.code = code;
    this.details = details;
    this.metadata = metadata;
    this.#statusDetails = options.statusDetails;
    this.#rawStatusDetails = options.rawStatusDetails;
  }

  /** The google.rpc.Status details sent or received with this error; empty when there are none. */
  get statusDetails(): readonly AnyMessage[] {
    if (this.#statusDetails !== undefined) return this.#statusDetails;
    if (this.#rawStatusDetails === undefined) return [];
    return decodeRpcStatus(this.#rawStatusDetails)?.details ?? [];
  }

  /** The raw `grpc-status-details-bin` bytes received, if any. */
  get rawStatusDetails(): Uint8Array | undefined {
    return this.#rawStatusDetails;
  }

  /**
   * Converts any thrown value: a GrpcError is returned as is (AbortSignal reasons in h2grpc are
   * GrpcErrors already); anything else becomes `fallback` with its message, keeping it as cause.
   */
  static from(reason: unknown, fallback: Status = Status.UNKNOWN): GrpcError {
    if (reason instanceof GrpcError) return reason;
    if (isAbortError(reason)) return new GrpcError(Status.CANCELLED, "call cancelled", undefined, { cause: reason });
    const text = reason instanceof Error ? reason.message : String(reason);
    return new GrpcError(fallback === Status.OK ? Status.UNKNOWN : fallback, text, undefined, { cause: reason });
  }
}

function isAbortError(reason: unknown): boolean {
  return reason instanceof Error && reason.name === "AbortError";
}
