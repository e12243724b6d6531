import type { AnyMethodDefinition } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { IncomingCall, ServerInvoke } from "./server-interceptor.js";
import type {
  AnyHandler,
  BidiStreamingHandler,
  ClientStreamingHandler,
  ServerStreamingHandler,
  UnaryHandler,
} from "./service-impl.js";

/**
 * Turns one of the four handler shapes into the single invoke shape interceptors wrap
 * (ARCHITECTURE.md §4, §5): requests in as an async iterable, responses out as one. Used only when the
 * server has interceptors; without them the server calls handlers directly.
 */
export function adaptHandler(method: AnyMethodDefinition, handler: AnyHandler): ServerInvoke {
  switch (method.kind) {
    case "unary": {
      const unary = handler as UnaryHandler<unknown, unknown>;
      return async function* (call: IncomingCall) {
        yield await unary(await readSingleRequest(call.requests), call.context);
      };
    }
    case "server_streaming": {
      const serverStreaming = handler as ServerStreamingHandler<unknown, unknown>;
      return async function* (call: IncomingCall) {
        yield* serverStreaming(await readSingleRequest(call.requests), call.context);
      };
    }
    case "client_streaming": {
      const clientStreaming = handler as ClientStreamingHandler<unknown, unknown>;
      return async function* (call: IncomingCall) {
        yield await clientStreaming(call.requests, call.context);
      };
    }
    case "bidi_streaming": {
      const bidi = handler as BidiStreamingHandler<unknown, unknown>;
      return async function* (call: IncomingCall) {
        yield* bidi(call.requests, call.context);
      };
    }
  }
}

/**
 * Reads the one request of a unary or server-streaming call and checks the client sent no other;
 * throws INTERNAL for zero or two requests (grpc-go's cardinality check) and whatever the request
 * stream throws (CANCELLED, a framing error).
 */
export async function readSingleRequest(requests: AsyncIterable<unknown>): Promise<unknown> {
  const iterator = requests[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) throw noRequest();
  const second = await iterator.next();
  if (second.done !== true) throw tooManyRequests();
  return first.value;
}

/** The error for a unary or server-streaming call whose client half-closed without a request. */
export function noRequest(): GrpcError {
  return new GrpcError(Status.INTERNAL, "cardinality violation: received no request message for a non-client-streaming RPC");
}

/** The error for a unary or server-streaming call whose client sent a second request. */
export function tooManyRequests(): GrpcError {
  return new GrpcError(Status.INTERNAL, "cardinality violation: received more than one request message for a non-client-streaming RPC");
}
