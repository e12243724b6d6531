import type { Serializer } from "../definition.js";
import { FrameBatch } from "./frame-batch.js";

/** Where a BatchedWriter writes: one side of one call's stream. */
export interface BatchTarget {
  /** False once the call has ended: a batch is then dropped unwritten, and nothing is reported sent. */
  readonly isWritable: boolean;
  /**
   * Writes `messages` framed messages in one buffer; `sizes` holds each one's payload length, in
   * order, when the writer was asked to keep them (for observers, who count a message once it is
   * written). Returns false when the stream is full (await its drain before writing more).
   */
  writeBatch(frames: Uint8Array, messages: number, sizes: readonly number[] | undefined): boolean;
  /** A batch written when its turn ended threw: nobody is there to catch it, so the target ends the call. */
  onBatchError(error: unknown): void;
}

/**
 * The messages of one stream that are ready in the same turn of the event loop, written as one
 * buffer (ARCHITECTURE.md §3): when the turn ends, when the batch reaches BATCH_BYTES, or when the
 * caller flushes (before a compressed message, before awaiting anything, before the end). N small
 * messages then cost one write and one DATA frame instead of N, and backpressure stays exact: add()
 * answers false while the stream is full, so the producer stops, as it would after a full write.
 * Both sides use it: the server for streamed responses, the client for streamed requests.
 */
export class BatchedWriter<In> {
  readonly #target: BatchTarget;
  readonly #batch: FrameBatch<In>;
  /** Each batched message's payload length, kept only when observers count messages. */
  #sizes: number[] | undefined;
  #isFlushScheduled = false;
  /** The stream refused more when the batch was last written: add() answers false until drained. */
  #isStreamFull = false;

  constructor(target: BatchTarget, serializer: Serializer<In, unknown>, maxSendBytes: number, isObserved: boolean) {
    this.#target = target;
    this.#batch = new FrameBatch(serializer, maxSendBytes);
    this.#sizes = isObserved ? [] : undefined;
  }

  /** The messages added and not yet written. */
  get messageCount(): number {
    return this.#batch.messageCount;
  }

  /** True when the stream refused more at the last write and has not drained since. */
  get isStreamFull(): boolean {
    return this.#isStreamFull;
  }

  /**
   * Adds one message, written at the end of this turn (or now, if the batch is full). False when
   * the caller should flush and await the stream's drain before adding more; throws as
   * FrameBatch.add does (INVALID_ARGUMENT, INTERNAL, RESOURCE_EXHAUSTED), adding nothing.
   */
  add(message: In): boolean {
    const length = this.#batch.add(message);
    this.#sizes?.push(length);
    if (this.#batch.byteLength >= BATCH_BYTES) return this.flush();
    if (!this.#isFlushScheduled) {
      this.#isFlushScheduled = true;
      process.nextTick(flushAtTurnEnd, this);
    }
    return !this.#isStreamFull;
  }

  /** Writes the batched messages now (drops them if the call has ended); false when the stream is full. */
  flush(): boolean {
    const batch = this.#batch;
    const messages = batch.messageCount;
    if (messages === 0) return !this.#isStreamFull;
    const frames = batch.take() as Uint8Array;
    const sizes = this.#sizes;
    if (sizes !== undefined) this.#sizes = [];
    if (this.#target.isWritable) this.#isStreamFull = !this.#target.writeBatch(frames, messages, sizes);
    return !this.#isStreamFull;
  }

  /**
   * Writes one frame made outside the batch (a compressed message) after the batched ones, so the
   * order holds; `payloadBytes` is its length for observers. False when the stream is full.
   */
  writeOne(frame: Uint8Array, payloadBytes: number): boolean {
    this.flush();
    if (!this.#target.isWritable) return !this.#isStreamFull;
    this.#isStreamFull = !this.#target.writeBatch(frame, 1, this.#sizes === undefined ? undefined : [payloadBytes]);
    return !this.#isStreamFull;
  }

  /** The stream drained: add() answers true again. */
  onDrained(): void {
    this.#isStreamFull = false;
  }

  /** The turn in which messages were batched has ended: write them. */
  onTurnEnd(): void {
    this.#isFlushScheduled = false;
    try {
      this.flush();
    } catch (error) {
      this.#target.onBatchError(error); // in a tick of its own, a throw would take the process down
    }
  }
}

/**
 * A batch is written once it holds this much (a stream's default highWaterMark on Node 20; 64 KiB
 * from Node 22), so a producer that does not pause stops once the stream is full, as with one
 * write per message.
 */
export const BATCH_BYTES = 16 * 1024;

function flushAtTurnEnd(writer: BatchedWriter<unknown>): void {
  writer.onTurnEnd();
}
