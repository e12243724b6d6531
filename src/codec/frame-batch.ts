import type { Serializer, SerializerBatch } from "../definition.js";
import { FRAME_HEADER_BYTES, writeFrameHeader } from "../framing/frame.js";
import { checkSendSize, encodeMessage, serializeError } from "./message-codec.js";

/**
 * The uncompressed frames of several messages in one buffer: what a stream writes for the
 * messages that are ready at once, so that N small messages cost one allocation and one write
 * instead of N of each (ARCHITECTURE.md §3). A serializer with `createBatch` (protobuf) serializes
 * straight into it and the frame headers are filled in at the end; other serializers frame each
 * message on its own and the frames are copied together.
 */
export class FrameBatch<In> {
  readonly #serializer: Serializer<In, unknown>;
  readonly #maxSendBytes: number;
  readonly #batch: SerializerBatch<In> | undefined;
  /** The payload length of each message in #batch, in order: their frame headers, written in take(). */
  #lengths: number[] = [];
  /** Framed messages, for serializers without createBatch; and what #batch held before an oversized message. */
  #frames: Uint8Array[] = [];
  #framedBytes = 0;
  #messageCount = 0;

  constructor(serializer: Serializer<In, unknown>, maxSendBytes: number) {
    this.#serializer = serializer;
    this.#maxSendBytes = maxSendBytes;
    this.#batch = serializer.createBatch?.();
  }

  /** The bytes added and not yet taken. */
  get byteLength(): number {
    return this.#framedBytes + (this.#batch?.length ?? 0);
  }

  /** The messages added and not yet taken (channelz counts messages, not writes). */
  get messageCount(): number {
    return this.#messageCount;
  }

  /**
   * Adds one message's frame after the others and returns its payload length; throws as
   * encodeMessage does (INVALID_ARGUMENT for a value that does not fit its type, INTERNAL,
   * RESOURCE_EXHAUSTED past the send limit), and then adds nothing.
   */
  add(value: In): number {
    const batch = this.#batch;
    if (batch === undefined) {
      const frame = encodeMessage(this.#serializer, value, undefined, this.#maxSendBytes) as Uint8Array;
      this.#pushFrames(frame);
      this.#messageCount++;
      return frame.length - FRAME_HEADER_BYTES;
    }
    let length: number;
    try {
      length = batch.append(value, FRAME_HEADER_BYTES);
    } catch (error) {
      throw serializeError(error);
    }
    if (length > this.#maxSendBytes) {
      // Already serialized: keep the frames before it and drop it, so what was added still goes out.
      const before = this.#takeBatch();
      const kept = before.subarray(0, before.length - FRAME_HEADER_BYTES - length);
      if (kept.length > 0) this.#pushFrames(kept);
      checkSendSize(length, this.#maxSendBytes);
    }
    this.#lengths.push(length);
    this.#messageCount++;
    return length;
  }

  /** Every frame added so far in one buffer, or undefined when there is none; the batch is empty afterwards. */
  take(): Uint8Array | undefined {
    if (this.#lengths.length > 0) this.#pushFrames(this.#takeBatch());
    const frames = this.#frames;
    if (frames.length === 0) return undefined;
    const bytes = frames.length === 1 ? (frames[0] as Uint8Array) : Buffer.concat(frames, this.#framedBytes);
    this.#frames = [];
    this.#framedBytes = 0;
    this.#messageCount = 0;
    return bytes;
  }

  // The serialized batch with its frame headers written in.
  #takeBatch(): Uint8Array {
    const bytes = (this.#batch as SerializerBatch<In>).finish();
    const lengths = this.#lengths;
    let offset = 0;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i] as number;
      writeFrameHeader(bytes, offset, length, false);
      offset += FRAME_HEADER_BYTES + length;
    }
    this.#lengths = [];
    return bytes;
  }

  #pushFrames(frames: Uint8Array): void {
    this.#frames.push(frames);
    this.#framedBytes += frames.length;
  }
}
