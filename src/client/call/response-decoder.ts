import { compressionFor } from "../../codec/compression.js";
import { decodeMessage, deserializeMessage } from "../../codec/message-codec.js";
import type { Serializer } from "../../definition.js";
import type { Frame } from "../../framing/frame.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";

/** Where decoded responses go: each message in order, or the one error that stops decoding. */
export interface DecodedResponseSink {
  onMessage(message: unknown): void;
  onDecodeError(error: GrpcError): void;
}

/**
 * Turns response frames into messages: inflation when a frame is compressed, deserialization, and
 * the one-response rule of unary and client-streaming RPCs (grpc-go's cardinality check: the one
 * place the client enforces it). Uncompressed frames are decoded synchronously; compressed ones in
 * order through a chain, which `pending` exposes so the end of the call waits for them.
 */
export class ResponseDecoder {
  /** The response's grpc-encoding, from its headers. */
  encoding: string | undefined;
  readonly #serializer: Serializer<unknown, unknown>;
  readonly #maxReceiveBytes: number;
  readonly #isSingleResponse: boolean;
  readonly #sink: DecodedResponseSink;
  #pending: Promise<void> | undefined;
  #messages = 0;
  #isFailed = false;

  constructor(serializer: Serializer<unknown, unknown>, maxReceiveBytes: number, isSingleResponse: boolean, sink: DecodedResponseSink) {
    this.#serializer = serializer;
    this.#maxReceiveBytes = maxReceiveBytes;
    this.#isSingleResponse = isSingleResponse;
    this.#sink = sink;
  }

  /** Settles once every compressed message received so far has been delivered; undefined when none is pending. */
  get pending(): Promise<void> | undefined {
    return this.#pending;
  }

  /** Decodes one frame; an unparsable or oversized message (or a second one where one is allowed) reports one error. */
  decode(frame: Frame): void {
    if (this.#isFailed) return;
    if (this.#pending === undefined && !frame.compressed) {
      let message: unknown;
      try {
        message = deserializeMessage(this.#serializer, frame.payload);
      } catch (error) {
        return this.#fail(error);
      }
      return this.#deliver(message);
    }
    // Inflating is asynchronous; chaining keeps messages (and the end of the call) in order.
    this.#pending = (this.#pending ?? Promise.resolve())
      .then(() => (this.#isFailed ? undefined : decodeMessage(this.#serializer, frame, compressionFor(this.encoding), this.#maxReceiveBytes)))
      .then(
        (message) => {
          if (!this.#isFailed) this.#deliver(message);
        },
        (error: unknown) => this.#fail(error),
      );
  }

  /** The call's error once it ended with `status` (undefined for OK): INTERNAL for an OK single-response RPC without its message. */
  errorAtEnd(status: GrpcError | undefined): GrpcError | undefined {
    if (status !== undefined) return status;
    if (this.#isSingleResponse && this.#messages === 0) return cardinalityViolation("received no response message for a non-server-streaming RPC");
    return undefined;
  }

  #deliver(message: unknown): void {
    if (++this.#messages > 1 && this.#isSingleResponse) {
      return this.#fail(cardinalityViolation("received a second response message for a non-server-streaming RPC"));
    }
    this.#sink.onMessage(message);
  }

  #fail(error: unknown): void {
    this.#isFailed = true;
    this.#sink.onDecodeError(GrpcError.from(error, Status.INTERNAL));
  }
}

/** The client's cardinality error (grpc-go's wording); `what` says what arrived. */
export function cardinalityViolation(what: string): GrpcError {
  return new GrpcError(Status.INTERNAL, `cardinality violation: ${what}`);
}
