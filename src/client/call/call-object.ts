import { CallSignal } from "../../deadline.js";
import type { AnyMethodDefinition } from "../../definition.js";
import { GrpcError } from "../../grpc-error.js";
import { Metadata } from "../../metadata.js";
import { Status } from "../../status.js";
import type { CallOptions, WriteOptions } from "../call-options.js";
import type { BidiStreamingCall, ClientStreamingCall } from "../calls.js";
import { attachCallSite, type CallSite } from "./call-site.js";
import { deadlineOf, withDefaults, type ClientContext } from "./client-context.js";
import type { IncomingResponse } from "../client-interceptor.js";
import { CALL_SITE, type TracedCall } from "./base-invoke.js";
import { OutgoingMessages } from "./outgoing-messages.js";
import { cardinalityViolation } from "./response-decoder.js";
import type { RequestSource } from "../service-client.js";
import { withMethodConfig } from "../service-config/method-call-options.js";

/**
 * A call of any kind as an object: the write half (when no request source was given), the
 * response messages as an async iterable, headers/trailers promises that never reject, cancel().
 * Every kind but the unary fast path runs through this, interceptors included.
 */
export class StreamingCall implements BidiStreamingCall<unknown, unknown>, ClientStreamingCall<unknown, unknown> {
  readonly headers: Promise<Metadata>;
  readonly trailers: Promise<Metadata>;
  /** Resolves with the response once headers arrived; rejections are marked handled. */
  readonly incoming: Promise<IncomingResponse>;
  readonly #callSignal: CallSignal;
  readonly #writer: OutgoingMessages | undefined;
  readonly #callSite: CallSite;
  #response: Promise<unknown> | undefined;
  #responses: AsyncIterator<unknown> | undefined;

  constructor(context: ClientContext, method: AnyMethodDefinition, requests: RequestSource<unknown> | undefined, callOptions: CallOptions | undefined, callSite: CallSite) {
    const options = withMethodConfig(withDefaults(context.defaultCallOptions, callOptions), context.channel.methodConfig(method.path));
    let deadline: number | undefined;
    let invalidOptions: unknown;
    try {
      deadline = deadlineOf(options);
    } catch (error) {
      invalidOptions = error;
    }
    this.#callSite = callSite;
    this.#callSignal = new CallSignal({ signal: options.signal, deadline });
    this.#writer = requests === undefined ? new OutgoingMessages() : undefined;
    const call: TracedCall = {
      method,
      // Interceptors may add to the metadata: never to the caller's own object.
      metadata: options.metadata === undefined ? new Metadata() : options.metadata.clone(),
      signal: this.#callSignal.signal,
      deadline,
      options,
      requests: this.#writer ?? toAsyncIterable(requests as RequestSource<unknown>),
      [CALL_SITE]: callSite,
    };
    const invoke = context.intercepted ?? context.invoke;
    let incoming: Promise<IncomingResponse>;
    try {
      if (invalidOptions !== undefined) throw invalidOptions;
      incoming = invoke(call);
    } catch (error) {
      incoming = Promise.reject(GrpcError.from(error));
    }
    this.incoming = incoming.catch((error: unknown) => {
      const grpcError = GrpcError.from(error);
      attachCallSite(grpcError, callSite);
      this.#callSignal.dispose();
      throw grpcError;
    });
    this.incoming.catch(() => {});
    this.headers = this.incoming.then(
      (response) => response.headers,
      () => new Metadata(),
    );
    this.trailers = this.incoming.then(
      (response) => response.trailers,
      (error: GrpcError) => error.metadata,
    );
    // The base invoke settles pending writes with the call's error as it ends; this covers calls
    // that failed before reaching it, or whose requests an interceptor wrapped.
    void this.incoming.then(
      (response) =>
        response.trailers.then(() => {
          this.#callSignal.dispose();
          this.#writer?.close(undefined);
        }),
      (error: GrpcError) => this.#writer?.close(error),
    );
  }

  /** The single response of a client-streaming call; rejects with GrpcError (marked handled). */
  get response(): Promise<unknown> {
    if (this.#response === undefined) {
      this.#response = readSingleResponse(this.incoming, this.#callSite);
      this.#response.catch(() => {});
    }
    return this.#response;
  }

  write(message: unknown, options?: WriteOptions): Promise<void> {
    if (this.#writer === undefined) return Promise.reject(new GrpcError(Status.INTERNAL, "write() on a call made with a request iterable"));
    return this.#writer.write(message, options);
  }

  end(): void {
    this.#writer?.end();
  }

  cancel(): void {
    this.#callSignal.abort(new GrpcError(Status.CANCELLED, "call cancelled by the client"));
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return {
      next: () => {
        const responses = this.#responses;
        if (responses !== undefined) return responses.next();
        return this.incoming.then((response) => {
          this.#responses ??= response.responses[Symbol.asyncIterator]();
          return this.#responses.next();
        });
      },
      // A `break` out of `for await`: cancels the call if it is still running.
      return: () => {
        const responses = this.#responses;
        if (responses?.return !== undefined) return responses.return();
        this.cancel();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** Reads exactly one response, then the end of the call; rejects with the call's GrpcError, or INTERNAL for 0 or 2+ messages. */
export async function readSingleResponse(incoming: Promise<IncomingResponse>, callSite: CallSite): Promise<unknown> {
  const iterator = (await incoming).responses[Symbol.asyncIterator]();
  const first = await iterator.next();
  // The wire was checked already (response-decoder.ts); an interceptor's responses are checked here.
  const cardinality = (text: string): GrpcError => {
    const error = cardinalityViolation(text);
    attachCallSite(error, callSite);
    return error;
  };
  if (first.done === true) throw cardinality("received no response message for a non-server-streaming RPC");
  const second = await iterator.next();
  if (second.done !== true) {
    await iterator.return?.();
    throw cardinality("received a second response message for a non-server-streaming RPC");
  }
  return first.value;
}

/** Interceptors see one shape of requests: an async iterable (a sync one is wrapped, pulled lazily). */
function toAsyncIterable(requests: RequestSource<unknown>): AsyncIterable<unknown> {
  if (Symbol.asyncIterator in requests) return requests;
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const iterator = requests[Symbol.iterator]();
      return {
        next: () => {
          try {
            return Promise.resolve(iterator.next());
          } catch (error) {
            return Promise.reject(error);
          }
        },
        return: () => Promise.resolve(iterator.return?.() ?? { value: undefined, done: true }),
      };
    },
  };
}
