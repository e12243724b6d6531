import type { PeerCertificate } from "../transport/tls.js";
import type { AnyMethodDefinition } from "../definition.js";
import type { Metadata } from "../metadata.js";
import type { ServerCallContext } from "./call-context.js";
import type { ServerCall } from "./server-call.js";

/**
 * What a handler gets as `ctx` (ServerCallContext): built for the handler and exposing nothing
 * of the call's machinery (its stream, its state, how it finishes), which stays in a private field.
 */
export class HandlerContext implements ServerCallContext {
  readonly #call: ServerCall;

  constructor(call: ServerCall) {
    this.#call = call;
  }

  get method(): AnyMethodDefinition {
    return this.#call.method;
  }

  get metadata(): Metadata {
    return this.#call.stream.metadata;
  }

  get signal(): AbortSignal {
    return this.#call.signal;
  }

  get deadline(): number | undefined {
    return this.#call.deadline;
  }

  get peer(): string {
    return this.#call.stream.peer;
  }

  get peerCertificate(): PeerCertificate | undefined {
    return this.#call.stream.peerCertificate;
  }

  get header(): Metadata {
    return this.#call.header;
  }

  get trailer(): Metadata {
    return this.#call.trailer;
  }

  sendHeader(metadata?: Metadata): void {
    this.#call.sendHeader(metadata);
  }

  setCompression(encoding: string): void {
    this.#call.setCompression(encoding);
  }
}
