import type { BatchedWriter, BatchTarget } from "../../codec/batched-writer.js";
import { FRAME_HEADER_BYTES } from "../../framing/frame.js";
import { GrpcError } from "../../grpc-error.js";
import type { ClientCall } from "./client-call.js";
import { OutgoingMessages } from "./outgoing-messages.js";

/**
 * Pulls requests from `requests` into the call only while the stream can take more (a write
 * returned true, or 'drain' fired), then half-closes. Uncompressed requests ready in the same turn
 * of the event loop go out as one write (codec/batched-writer.ts: at the end of the turn, at 16
 * KiB, and before waiting for the stream or half-closing); compressed ones one by one, in order
 * with them. A request source that throws cancels the call with its error (UNKNOWN unless it is a
 * GrpcError); a call that ends stops the pull, and drops what it had batched unwritten.
 */
export async function pumpRequests(call: ClientCall, requests: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
  const queue = requests instanceof OutgoingMessages ? requests : undefined;
  queue?.settleOnWrite();
  const { writer, isCompressing } = call.requestWriter(new RequestTarget(call, queue));
  try {
    for await (const message of requests) {
      if (call.isEnded) break;
      const options = queue?.currentOptions;
      let isWritable: boolean;
      if (isCompressing && options?.compress !== false) {
        const frame = call.encodeRequest(message, options);
        const bytes = frame instanceof Uint8Array ? frame : await frame;
        isWritable = writer.writeOne(bytes, bytes.length - FRAME_HEADER_BYTES);
      } else {
        isWritable = writer.add(message);
      }
      if (!isWritable) {
        writer.flush(); // the batch goes out before the wait, never after it
        await call.drain();
        writer.onDrained();
      }
      if (call.isEnded) break;
    }
    writer.flush();
    call.halfClose();
  } catch (error) {
    flushBeforeFailing(writer);
    call.cancel(GrpcError.from(error));
  }
  if (call.isEnded) queue?.close(call.endError);
}

/** The requests before the one that failed go out ahead of the cancel, as they did one by one. */
function flushBeforeFailing(writer: BatchedWriter<unknown>): void {
  try {
    writer.flush();
  } catch {
    // The call is cancelled next whatever happened here.
  }
}

/** The call as the pump's batches see it: writes go to the call, and the queue hears of them. */
class RequestTarget implements BatchTarget {
  readonly #call: ClientCall;
  readonly #queue: OutgoingMessages | undefined;

  constructor(call: ClientCall, queue: OutgoingMessages | undefined) {
    this.#call = call;
    this.#queue = queue;
  }

  get isWritable(): boolean {
    return !this.#call.isEnded;
  }

  writeBatch(frames: Uint8Array, messages: number, sizes: readonly number[] | undefined): boolean {
    const isWritable = this.#call.writeFrame(frames, false, messages, sizes);
    this.#queue?.markWritten(messages, isWritable ? undefined : this.#call.drain());
    return isWritable;
  }

  onBatchError(error: unknown): void {
    this.#call.cancel(GrpcError.from(error));
  }
}
