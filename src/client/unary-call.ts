import { compressionFor, type Compression } from "../codec/compression.js";
import { CallSignal } from "../deadline.js";
import type { AnyMethodDefinition } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";
import type { CallOptions } from "./call-options.js";
import type { CallListener } from "./call-setup.js";
import { ClientCall } from "./client-call.js";
import { deadlineOf, withDefaults, type ClientContext } from "./client-context.js";
import { withMethodConfig } from "./service-config/method-call-options.js";
import { addCredentialMetadata, credentialsOf } from "./credentials/credential-metadata.js";

/**
 * A unary call without interceptors: one stream, one write with END_STREAM, callbacks straight
 * from the stream's events to the promise (no async iterators, no per-call generator).
 * Rejects with GrpcError; the client method gives it the awaiting caller's stack (call-site.ts).
 */
export function callUnary(
  context: ClientContext,
  method: AnyMethodDefinition,
  request: unknown,
  callOptions: CallOptions | undefined,
): Promise<unknown> {
  const options = withMethodConfig(withDefaults(context.defaultCallOptions, callOptions), context.channel.methodConfig(method.path));
  return new Promise((resolve, reject) => {
    let deadline: number | undefined;
    let compression: Compression | undefined;
    try {
      deadline = deadlineOf(options);
      compression = options.compression === undefined ? undefined : compressionFor(options.compression);
    } catch (error) {
      return new UnaryListener(resolve, reject, undefined).fail(error);
    }
    const callSignal = deadline !== undefined || options.signal !== undefined ? new CallSignal({ signal: options.signal, deadline }) : undefined;
    const listener = new UnaryListener(resolve, reject, callSignal);
    const call = new ClientCall(
      context.channel,
      {
        method,
        metadata: options.metadata,
        deadline,
        signal: callSignal?.signal,
        compression,
        waitForReady: options.waitForReady === true,
        onHeader: options.onHeader,
        onTrailer: options.onTrailer,
        callSite: undefined,
      },
      listener,
    );
    let frame: Uint8Array | Promise<Uint8Array>;
    try {
      frame = call.encodeRequest(request);
    } catch (error) {
      return listener.fail(error); // nothing was sent: a bad request never opens a stream
    }
    const metadata =
      context.callCredentials === undefined && options.credentials === undefined
        ? undefined
        : addCredentialMetadata(credentialsOf(context.callCredentials, options.credentials), context.channel, method, options.metadata, callSignal?.signal);
    const started = call.start(metadata);
    if (started === true && !(frame instanceof Promise)) {
      call.writeFrame(frame, true);
      return;
    }
    void Promise.all([started, frame]).then(
      ([isStarted, bytes]) => {
        if (isStarted) call.writeFrame(bytes, true);
      },
      (error: unknown) => call.cancel(GrpcError.from(error)),
    );
  });
}

/** Collects the one response of a unary call and settles its promise when the call ends. */
class UnaryListener implements CallListener {
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

  /** Fails before the call started (bad options, a request that cannot be encoded). */
  fail(reason: unknown): void {
    this.#callSignal?.dispose();
    this.#reject(GrpcError.from(reason));
  }
}
