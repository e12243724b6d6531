/** The bytes every call with a retry or hedging policy may keep for replay, across one channel. */
export class RetryBufferBudget {
  #availableBytes: number;

  constructor(totalBytes: number) {
    this.#availableBytes = totalBytes;
  }

  /** Takes `bytes` from the budget; false (taking nothing) when they do not fit. */
  reserve(bytes: number): boolean {
    if (bytes > this.#availableBytes) return false;
    this.#availableBytes -= bytes;
    return true;
  }

  release(bytes: number): void {
    this.#availableBytes += bytes;
  }
}

/**
 * The request frames of one call kept so that a new attempt can be sent them again (gRFC A6
 * "Memory Management"): within a per-call limit and the channel's budget. When a frame does not
 * fit, the call must commit to one attempt; the buffer is released once the call commits or ends.
 */
export class ReplayBuffer {
  readonly #budget: RetryBufferBudget;
  readonly #limitBytes: number;
  readonly #frames: Uint8Array[] = [];
  /** How many messages each of #frames holds (a batch holds several; request-pump.ts). */
  readonly #messageCounts: number[] = [];
  #bytes = 0;
  #isHalfClosed = false;
  #isLastFrameFinal = false;
  #isReleased = false;

  constructor(budget: RetryBufferBudget, limitBytes: number) {
    this.#budget = budget;
    this.#limitBytes = limitBytes;
  }

  /** How many frames are kept. */
  get frameCount(): number {
    return this.#frames.length;
  }

  get isHalfClosed(): boolean {
    return this.#isHalfClosed;
  }

  /** Keeps `frame` (of `messages` messages); false (keeping nothing) when it would pass the per-call limit or the channel's budget. */
  add(frame: Uint8Array, isLast: boolean, messages = 1): boolean {
    if (this.#isReleased || this.#bytes + frame.length > this.#limitBytes || !this.#budget.reserve(frame.length)) return false;
    this.#bytes += frame.length;
    this.append(frame, isLast, messages);
    return true;
  }

  /** Keeps `frame` whatever the limits: for a call committed to an attempt that is still opening. */
  append(frame: Uint8Array, isLast: boolean, messages = 1): void {
    this.#frames.push(frame);
    this.#messageCounts.push(messages);
    if (isLast) {
      this.#isHalfClosed = true;
      this.#isLastFrameFinal = true;
    }
  }

  /** Records the half-close that came without a frame. */
  closeSend(): void {
    this.#isHalfClosed = true;
  }

  /** Sends the frames from index `from` on (and the half-close, if it came) through `send` and `close`. */
  replay(from: number, send: (frame: Uint8Array, isLast: boolean, messages: number) => void, close: () => void): void {
    const frames = this.#frames;
    for (let i = from; i < frames.length; i++) {
      send(frames[i] as Uint8Array, this.#isLastFrameFinal && i === frames.length - 1, this.#messageCounts[i] as number);
    }
    if (this.#isHalfClosed && !this.#isLastFrameFinal) close();
  }

  /** Gives the bytes back to the channel's budget; nothing can be added or replayed afterwards. */
  release(): void {
    if (this.#isReleased) return;
    this.#isReleased = true;
    this.#budget.release(this.#bytes);
    this.#bytes = 0;
    this.#frames.length = 0;
    this.#messageCounts.length = 0;
  }
}
