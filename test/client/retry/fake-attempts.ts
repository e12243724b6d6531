// Attempts on fake streams for the retry state machine: each records what the call sent it, and
// the test answers for the server (headers, frames, an end).
import { GrpcError } from "../../../src/grpc-error.js";
import { Metadata } from "../../../src/metadata.js";
import type { Status } from "../../../src/status.js";
import type { CallStreamEnd, CallStreamListener, ClientCallStream } from "../../../src/transport/client-call-stream.js";

/** One attempt's stream. */
export class FakeAttempt implements ClientCallStream {
  readonly frames: string[] = [];
  /** How many messages each of `frames` held (a batch holds several). */
  readonly messageCounts: number[] = [];
  isHalfClosed = false;
  isCancelled = false;
  isPaused = false;

  constructor(
    readonly previousAttempts: number,
    readonly listener: CallStreamListener,
  ) {}

  sendFrame(frame: Uint8Array, isLast: boolean, messages = 1): boolean {
    this.frames.push(Buffer.from(frame).toString());
    this.messageCounts.push(messages);
    if (isLast) this.isHalfClosed = true;
    return true;
  }
  closeSend(): void {
    this.isHalfClosed = true;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  pauseReceiving(): void {
    this.isPaused = true;
  }
  resumeReceiving(): void {
    this.isPaused = false;
  }
  cancel(): void {
    this.isCancelled = true;
  }

  /** The server answers with headers (committing the call). */
  headers(): void {
    this.listener.onHeaders(new Metadata({ "x-attempt": String(this.previousAttempts) }), undefined);
  }
  frame(text: string): void {
    this.listener.onFrame({ compressed: false, payload: Buffer.from(text) });
  }
  /** The attempt ends: OK without a code, else that status; pushback and unprocessed as given. */
  end(code?: Status, options: { pushbackMs?: number; isUnprocessed?: boolean } = {}): void {
    const end: CallStreamEnd = {
      error: code === undefined ? undefined : new GrpcError(code, `attempt ${this.previousAttempts} failed`),
      trailers: new Metadata(),
      isUnprocessed: options.isUnprocessed ?? false,
      retryPushbackMs: options.pushbackMs,
    };
    this.listener.onEnd(end);
  }
}

/** Records what the call delivers to its own listener. */
export class CallRecord implements CallStreamListener {
  readonly events: string[] = [];
  ends: CallStreamEnd[] = [];
  onHeaders(metadata: Metadata): void {
    this.events.push(`headers from attempt ${String(metadata.get("x-attempt"))}`);
  }
  onFrame(frame: { payload: Uint8Array }): void {
    this.events.push(`frame ${Buffer.from(frame.payload).toString()}`);
  }
  onEnd(end: CallStreamEnd): void {
    this.ends.push(end);
    this.events.push(end.error === undefined ? "end OK" : `end ${end.error.message}`);
  }
}

/** Encodes a test frame. */
export const frame = (text: string): Uint8Array => Buffer.from(text);
