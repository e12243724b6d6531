import type { AnyMethodDefinition } from "../definition.js";
import type { Interceptor } from "../interceptor.js";
import type { Metadata } from "../metadata.js";
import type { ServerCallContext } from "./call-context.js";

/** A call as server interceptors see it: the same shape for all four RPC kinds. */
export interface IncomingCall {
  readonly method: AnyMethodDefinition;
  /** The request metadata (the same object as `context.metadata`). */
  readonly metadata: Metadata;
  readonly context: ServerCallContext;
  /** The decoded request messages: exactly one for unary and server-streaming methods. */
  readonly requests: AsyncIterable<unknown>;
}

/** Runs the rest of the onion (the inner interceptors, then the handler); yields the response messages. */
export type ServerInvoke = (call: IncomingCall) => AsyncIterable<unknown>;

/**
 * A server interceptor (ARCHITECTURE.md §5): wraps the next invoke. Throwing a GrpcError (before or
 * while iterating) ends the call with that status; the handler is never reached if it throws first.
 */
export type ServerInterceptor = Interceptor<ServerInvoke>;
