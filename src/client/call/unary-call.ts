import { CallSignal } from "../../deadline.js";
import type { AnyMethodDefinition } from "../../definition.js";
import { GrpcError } from "../../grpc-error.js";
import type { Metadata } from "../../metadata.js";
import type { CallOptions } from "../call-options.js";
import type { ResponseListener } from "./call-setup.js";
import { deadlineOf, withDefaults, type ClientContext } from "./client-context.js";
import { withMethodConfig } from "../service-config/method-call-options.js";
import { openCall } from "./open-call.js";

// The options of every call made without any: no interceptor sees them, and nothing here writes to them.
const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * A unary call made without interceptors: the one pipeline (openCall) with its request written
 * whole and a listener that settles a promise straight from the stream's events, so no iterator
 * and no generator runs. Rejects with GrpcError; the client method gives it the awaiting caller's
 * stack (call-site.ts).
 */
export function callUnary(context: ClientContext, method: AnyMethodDefinition, request: unknown, callOptions: CallOptions | undefined): Promise<unknown> {
  const options = withMethodConfig(withDefaults(context.defaultCallOptions, callOptions ?? NO_OPTIONS), context.channel.methodConfig(method.path));
  return new Promise((resolve, reject) => {
    let deadline: number | undefined;
    try {
      deadline = deadlineOf(options);
    } catch (error) {
      return reject(GrpcError.from(error));
    }
    // A signal only when something can abort the call: most unary calls need none.
    const callSignal = deadline !== undefined || options.signal !== undefined ? new CallSignal({ signal: options.signal, deadline }) : undefined;
    const listener = new UnaryResponse(resolve, reject, callSignal);
    const spec = { method, options, metadata: options.metadata, deadline, signal: callSignal?.signal, callSite: undefined };
    openCall(context.channel, context.callCredentials, spec, listener, request, undefined);
  });
}

/** Keeps the one response of a unary call and settles its promise when the call ends. */
class UnaryResponse implements ResponseListener {
  #response: unknown;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (reason: unknown) => void;
  readonly #callSignal: CallSignal | undefined;

  constructor(resolve: (value: unknown) => void, reject: (reason: unknown) => void, callSignal: CallSignal | undefined) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#callSignal = callSignal;
  }

  onHeaders(): void {}

  onMessage(message: unknown): void {
    this.#response = message;
  }

  onEnd(error: GrpcError | undefined, _trailers: Metadata): void {
    this.#callSignal?.dispose();
    if (error === undefined) this.#resolve(this.#response);
    else this.#reject(error);
  }
}
