import type { AnyMethodDefinition } from "../definition.js";
import { HandlerOutcome } from "./handler-outcome.js";
import { IncomingMessages, noRequest, tooManyRequests } from "./incoming-messages.js";
import type { IncomingCall, ServerInvoke } from "./server-interceptor.js";
import type {
  AnyHandler,
  BidiStreamingHandler,
  ClientStreamingHandler,
  ServerStreamingHandler,
  UnaryHandler,
} from "./service-impl.js";

/**
 * Turns one of the four handler shapes into the one invoke shape every call runs through, with or
 * without interceptors (ARCHITECTURE.md §2, §5): requests in as an async iterable, a HandlerOutcome
 * out. The only place that knows the four kinds apart.
 */
export function adaptHandler(method: AnyMethodDefinition, handler: AnyHandler): ServerInvoke {
  switch (method.kind) {
    case "unary": {
      const unary = handler as UnaryHandler<unknown, unknown>;
      return (call) => new HandlerOutcome(true, (done, fail) => readSingleRequest(call, (request) => done(unary(request, call.context)), fail));
    }
    case "server_streaming": {
      const serverStreaming = handler as ServerStreamingHandler<unknown, unknown>;
      return (call) =>
        new HandlerOutcome(false, (done, fail) => readSingleRequest(call, (request) => done(serverStreaming(request, call.context)), fail));
    }
    case "client_streaming": {
      const clientStreaming = handler as ClientStreamingHandler<unknown, unknown>;
      return (call) => new HandlerOutcome(true, (done) => done(clientStreaming(call.requests, call.context)));
    }
    case "bidi_streaming": {
      const bidi = handler as BidiStreamingHandler<unknown, unknown>;
      return (call) => new HandlerOutcome(false, (done) => done(bidi(call.requests, call.context)));
    }
  }
}

/**
 * Hands the one request of a unary or server-streaming call to `onRequest`, which runs the
 * handler (a throw goes to `onError`); requests an interceptor replaced are read as an iterable,
 * with the same one-request rule.
 */
function readSingleRequest(call: IncomingCall, onRequest: (request: unknown) => void, onError: (error: unknown) => void): void {
  const run = (request: unknown): void => {
    try {
      onRequest(request);
    } catch (error) {
      onError(error);
    }
  };
  const requests = call.requests;
  if (requests instanceof IncomingMessages) return requests.readSingle({ onRequest: run, onError });
  void (async () => {
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done === true) throw noRequest();
    const second = await iterator.next();
    if (second.done !== true) throw tooManyRequests();
    return first.value;
  })().then(run, onError);
}
