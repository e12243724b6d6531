import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { FRAME_HEADER_BYTES, type Frame } from "./frame.js";

/** grpc-go and grpc-js default: 4 MiB. */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Splits a byte stream with arbitrary chunk boundaries into frames. Limits are checked from the
 * 5-byte header before any payload is buffered. A payload that lies inside one chunk is returned
 * as a view of it (no copy); only a payload split across chunks is copied, once.
 */
export class FrameDecoder {
  readonly #maxMessageBytes: number;
  // Allocated only when a header is split across chunks: most calls never need it.
  #header: Uint8Array | undefined;
  #headerFilled = 0;
  #payload: Uint8Array | undefined;
  #payloadFilled = 0;
  #compressed = false;

  constructor(maxMessageBytes: number = DEFAULT_MAX_RECEIVE_MESSAGE_BYTES) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  /**
   * Consumes a chunk and returns the frames it completes; throws RESOURCE_EXHAUSTED for a frame
   * over the limit and INTERNAL for a flag other than 0 or 1. After a throw the decoder is unusable.
   */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      if (this.#payload !== undefined) {
        const take = Math.min(this.#payload.length - this.#payloadFilled, end - offset);
        this.#payload.set(chunk.subarray(offset, offset + take), this.#payloadFilled);
        this.#payloadFilled += take;
        offset += take;
        if (this.#payloadFilled === this.#payload.length) {
          frames.push({ compressed: this.#compressed, payload: this.#payload });
          this.#payload = undefined;
        }
        continue;
      }
      let length: number;
      if (this.#headerFilled === 0 && end - offset >= FRAME_HEADER_BYTES) {
        // Fast path: the whole header is in this chunk.
        this.#compressed = this.#checkFlag(chunk[offset] as number);
        length = readLength(chunk, offset + 1);
        offset += FRAME_HEADER_BYTES;
      } else {
        const take = Math.min(FRAME_HEADER_BYTES - this.#headerFilled, end - offset);
        const header = (this.#header ??= new Uint8Array(FRAME_HEADER_BYTES));
        header.set(chunk.subarray(offset, offset + take), this.#headerFilled);
        this.#headerFilled += take;
        offset += take;
        if (this.#headerFilled < FRAME_HEADER_BYTES) break;
        this.#headerFilled = 0;
        this.#compressed = this.#checkFlag(header[0] as number);
        length = readLength(header, 1);
      }
      if (length > this.#maxMessageBytes) {
        throw new GrpcError(
          Status.RESOURCE_EXHAUSTED,
          `received message of ${length} bytes, limit is ${this.#maxMessageBytes}`,
        );
      }
      if (end - offset >= length) {
        frames.push({ compressed: this.#compressed, payload: chunk.subarray(offset, offset + length) });
        offset += length;
      } else {
        this.#payload = new Uint8Array(length);
        this.#payloadFilled = 0;
      }
    }
    return frames;
  }

  /** Call at end of stream; throws INTERNAL if the stream ended inside a frame. */
  finish(): void {
    if (this.#payload !== undefined) {
      throw new GrpcError(
        Status.INTERNAL,
        `stream ended inside a message: received ${this.#payloadFilled} of ${this.#payload.length} bytes`,
      );
    }
    if (this.#headerFilled > 0) {
      throw new GrpcError(
        Status.INTERNAL,
        `stream ended inside a message header: received ${this.#headerFilled} of ${FRAME_HEADER_BYTES} bytes`,
      );
    }
  }

  #checkFlag(flag: number): boolean {
    // PROTOCOL-HTTP2: Compressed-Flag is 0 or 1; anything else is a protocol error.
    if (flag === 0) return false;
    if (flag === 1) return true;
    throw new GrpcError(Status.INTERNAL, `received message with invalid compressed flag ${flag}, expected 0 or 1`);
  }
}

function readLength(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) * 0x1000000 +
      (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))) >>>
    0
  );
}
