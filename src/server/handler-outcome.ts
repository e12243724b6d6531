import type { ServerCallContext } from "./call-context.js";
import { IncomingMessages, noRequest, tooManyRequests, type SingleReader } from "./incoming-messages.js";
import type { IncomingCall } from "./server-interceptor.js";

/** Takes what a handler produced: a response (value or promise) or an iterable of them, or what it threw. */
export interface OutcomeSink {
  onResult(result: unknown): void;
  onError(error: unknown): void;
}

/**
 * Where an observer's scope (a trace context) rides on the call through the interceptors (a
 * symbol-keyed property survives their `{ ...call }` copies), so the handler runs inside it.
 */
export const RUN_IN_SCOPE: unique symbol = Symbol("h2grpc.runInScope");

/** The call the pipeline hands the route's invoke, with the observer's scope when there is one. */
export type ScopedIncomingCall = IncomingCall & { [RUN_IN_SCOPE]?: <T>(run: () => T) => T };

/** A handler of any of the four shapes, as the outcome calls it: a request or the requests, and the context. */
export type AnyHandlerFunction = (requestOrRequests: unknown, context: ServerCallContext) => unknown;

/**
 * What a handler returns, produced once its request is ready (ARCHITECTURE.md §2): one response,
 * or an (async) iterable of responses. It is an AsyncIterable, the one shape interceptors wrap; the
 * response writer, given it unwrapped, runs it with a sink and takes the result directly, so a call
 * without interceptors runs no iterator and no generator: the fast case is a property of the one
 * path, not a second one.
 */
export class HandlerOutcome implements AsyncIterable<unknown>, SingleReader {
  /** True for unary and client-streaming methods: the result is one response, not an iterable. */
  readonly isSingleResponse: boolean;
  readonly #takesSingleRequest: boolean;
  readonly #handler: AnyHandlerFunction;
  readonly #call: ScopedIncomingCall;
  #sink: OutcomeSink | undefined;

  constructor(takesSingleRequest: boolean, isSingleResponse: boolean, handler: AnyHandlerFunction, call: ScopedIncomingCall) {
    this.#takesSingleRequest = takesSingleRequest;
    this.isSingleResponse = isSingleResponse;
    this.#handler = handler;
    this.#call = call;
  }

  /** Runs the handler once its request is ready (once); `sink` gets its result or what it threw. */
  run(sink: OutcomeSink): void {
    this.#sink = sink;
    if (this.#takesSingleRequest) readSingleRequest(this.#call.requests, this);
    else this.onRequest(this.#call.requests);
  }

  /** SingleReader: the request (or, for the streaming-request kinds, the requests) is ready. */
  onRequest(input: unknown): void {
    const runInScope = this.#call[RUN_IN_SCOPE];
    if (runInScope === undefined) this.#runHandler(input);
    else runInScope(() => this.#runHandler(input));
  }

  #runHandler(input: unknown): void {
    const sink = this.#sink as OutcomeSink;
    let result: unknown;
    try {
      result = this.#handler(input, this.#call.context);
    } catch (error) {
      return sink.onError(error);
    }
    sink.onResult(result);
  }

  /** SingleReader: reading the request failed (a cardinality violation, a cancel). */
  onError(error: unknown): void {
    (this.#sink as OutcomeSink).onError(error);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    const result = await new Promise<unknown>((resolve, reject) => this.run({ onResult: resolve, onError: reject }));
    if (this.isSingleResponse) yield await result;
    else yield* result as AsyncIterable<unknown> | Iterable<unknown>;
  }
}

/**
 * Hands the one request of a unary or server-streaming call to `reader`; requests an interceptor
 * replaced are read as an iterable, with the same one-request rule.
 */
function readSingleRequest(requests: AsyncIterable<unknown>, reader: SingleReader): void {
  if (requests instanceof IncomingMessages) return requests.readSingle(reader);
  void (async () => {
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done === true) throw noRequest();
    const second = await iterator.next();
    if (second.done !== true) throw tooManyRequests();
    return first.value;
  })().then(
    (request) => reader.onRequest(request),
    (error: unknown) => reader.onError(error),
  );
}
