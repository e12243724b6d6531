import type { AnyMethodDefinition, MethodKind } from "../definition.js";
import { HandlerOutcome, type AnyHandlerFunction } from "./handler-outcome.js";
import type { ServerInvoke } from "./server-interceptor.js";
import type { AnyHandler } from "./service-impl.js";

// The four handler shapes (service-impl.ts), told apart only here: whether the handler takes one
// request (or the async iterable of them), and whether it returns one response (or an iterable).
const SHAPES: Readonly<Record<MethodKind, { readonly takesSingleRequest: boolean; readonly isSingleResponse: boolean }>> = {
  unary: { takesSingleRequest: true, isSingleResponse: true },
  server_streaming: { takesSingleRequest: true, isSingleResponse: false },
  client_streaming: { takesSingleRequest: false, isSingleResponse: true },
  bidi_streaming: { takesSingleRequest: false, isSingleResponse: false },
};

/**
 * Turns one of the four handler shapes into the one invoke shape every call runs through, with or
 * without interceptors (ARCHITECTURE.md §2, §5): requests in as an async iterable, a HandlerOutcome
 * out.
 */
export function adaptHandler(method: AnyMethodDefinition, handler: AnyHandler): ServerInvoke {
  const { takesSingleRequest, isSingleResponse } = SHAPES[method.kind];
  const run = handler as AnyHandlerFunction;
  return (call) => new HandlerOutcome(takesSingleRequest, isSingleResponse, run, call);
}
