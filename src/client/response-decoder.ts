import { compressionFor } from "../codec/compression.js";
import { decodeMessage, deserializeMessage } from "../codec/message-codec.js";
import type { Serializer } from "../definition.js";
import { FrameDecoder } from "../framing/frame-decoder.js";
import type { Frame } from "../framing/frame.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";

/** Where decoded responses go: each message in order, or the one error that stops decoding. */
export interface DecodedResponseSink {
  onMessage(message: unknown): void;
  onDecodeError(error: GrpcError): void;
}

/**
 * Turns the DATA of a response into messages: frames (with the receive limit), inflation when a
 * frame is compressed, deserialization, and the one-message rule of unary and client-streaming
 * RPCs. Uncompressed frames are decoded synchronously; compressed ones in order through a chain.
 */
export class ResponseDecoder {
  /** The response's grpc-encoding, from its headers. */
  encoding: string | undefined;
  readonly #frames: FrameDecoder;
  readonly #serializer: Serializer<unknown, unknown>;
  readonly #maxReceiveBytes: number;
  readonly #isSingleResponse: boolean;
  readonly #sink: DecodedResponseSink;
  #pending: Promise<void> | undefined;
  #messages = 0;
  #isFailed = false;

  constructor(serializer: Serializer<unknown, unknown>, maxReceiveBytes: number, isSingleResponse: boolean, sink: DecodedResponseSink) {
    this.#frames = new FrameDecoder(maxReceiveBytes);
    this.#serializer = serializer;
    this.#maxReceiveBytes = maxReceiveBytes;
    this.#isSingleResponse = isSingleResponse;
    this.#sink = sink;
  }

  /** Settles once every compressed message received so far has been delivered; undefined when none is pending. */
  get pending(): Promise<void> | undefined {
    return this.#pending;
  }

  /** Decodes a DATA chunk; a bad frame, an oversized or unparsable message reports one error. */
  push(chunk: Uint8Array): void {
    if (this.#isFailed) return;
    let frames: Frame[];
    try {
      frames = this.#frames.push(chunk);
    } catch (error) {
      return this.#fail(error);
    }
    for (let i = 0; i < frames.length && !this.#isFailed; i++) this.#decode(frames[i] as Frame);
  }

  /**
   * The call's error once the trailers said `statusError` (undefined for OK): INTERNAL for a
   * response that ended inside a frame, or that was OK with no message on a single-response RPC.
   */
  errorAtEnd(statusError: GrpcError | undefined): GrpcError | undefined {
    try {
      this.#frames.finish();
    } catch (error) {
      return GrpcError.from(error, Status.INTERNAL);
    }
    if (statusError !== undefined) return statusError;
    if (this.#isSingleResponse && this.#messages === 0) {
      return new GrpcError(Status.INTERNAL, "cardinality violation: received no response message for a non-server-streaming RPC");
    }
    return undefined;
  }

  #decode(frame: Frame): void {
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

  #deliver(message: unknown): void {
    if (++this.#messages > 1 && this.#isSingleResponse) {
      // grpc-go: a second response on a non-server-streaming RPC is a cardinality violation.
      return this.#fail(new GrpcError(Status.INTERNAL, "cardinality violation: received a second response message for a non-server-streaming RPC"));
    }
    this.#sink.onMessage(message);
  }

  #fail(error: unknown): void {
    this.#isFailed = true;
    this.#sink.onDecodeError(GrpcError.from(error, Status.INTERNAL));
  }
}
