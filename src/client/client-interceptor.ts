import type { AnyMethodDefinition } from "../definition.js";
import type { Interceptor } from "../interceptor.js";
import type { Metadata } from "../metadata.js";
import type { CallOptions } from "./call-options.js";

/** A call as client interceptors see it: the same shape for all four RPC kinds. */
export interface OutgoingCall {
  readonly method: AnyMethodDefinition;
  /** Request metadata; interceptors may add to it before calling next. */
  readonly metadata: Metadata;
  readonly signal: AbortSignal;
  /** Epoch ms, or undefined for none. */
  readonly deadline: number | undefined;
  readonly options: CallOptions;
  /** The request messages, pulled as the stream drains. */
  readonly requests: AsyncIterable<unknown>;
}

/** The response as client interceptors see it, once its headers have arrived. */
export interface IncomingResponse {
  readonly headers: Metadata;
  /** The response messages; the call's non-OK status is thrown after the last one. */
  readonly responses: AsyncIterable<unknown>;
  /** Resolves with the trailers when the call ends (never rejects). */
  readonly trailers: Promise<Metadata>;
}

/** Sends the call through the rest of the onion; resolves once response headers arrive, rejects with GrpcError. */
export type ClientInvoke = (call: OutgoingCall) => Promise<IncomingResponse>;

/** A client interceptor (ARCHITECTURE.md §5). */
export type ClientInterceptor = Interceptor<ClientInvoke>;
