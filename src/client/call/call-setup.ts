import type { Compression } from "../../codec/compression.js";
import type { AnyMethodDefinition } from "../../definition.js";
import { GrpcError } from "../../grpc-error.js";
import type { Metadata } from "../../metadata.js";
import type { ClientCallObservation } from "../../telemetry/call-observer.js";
import type { CallSite } from "./call-site.js";

/** What one call reports, in order: headers (not for Trailers-Only), messages, then exactly one end. */
export interface ResponseListener {
  onHeaders(headers: Metadata): void;
  onMessage(message: unknown): void;
  onEnd(error: GrpcError | undefined, trailers: Metadata): void;
}

/** Everything a call needs besides its messages. */
export interface CallSetup {
  readonly method: AnyMethodDefinition;
  readonly metadata: Metadata | undefined;
  /** Epoch ms; sent as grpc-timeout (the signal enforces it). */
  readonly deadline: number | undefined;
  /** Aborts the call; its reason (a GrpcError) becomes the call's error. */
  readonly signal: AbortSignal | undefined;
  /** The request grpc-encoding, or undefined for identity. */
  readonly compression: Compression | undefined;
  readonly waitForReady: boolean;
  readonly onHeader: ((headers: Metadata) => void) | undefined;
  readonly onTrailer: ((trailers: Metadata) => void) | undefined;
  /** Captured where the user made the call, so errors point there. */
  readonly callSite: CallSite | undefined;
  /** What observers (diagnostics channels, OpenTelemetry) follow of the call; undefined when none do. */
  readonly observation: ClientCallObservation | undefined;
}

/** Calls the caller's onHeader or onTrailer; what it throws fails its own call (returned), never escaping into an event handler. */
export function runCallback(callback: ((metadata: Metadata) => void) | undefined, metadata: Metadata): GrpcError | undefined {
  if (callback === undefined) return undefined;
  try {
    callback(metadata);
    return undefined;
  } catch (error) {
    return GrpcError.from(error);
  }
}
