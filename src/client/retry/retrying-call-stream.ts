import { systemTimers, type Timers } from "../../deadline.js";
import type { Frame } from "../../framing/frame.js";
import { GrpcError } from "../../grpc-error.js";
import { Metadata } from "../../metadata.js";
import { Status } from "../../status.js";
import type { CallStreamEnd, CallStreamListener, ClientCallStream } from "../../transport/client-call-stream.js";
import type { HedgingPolicy, RetryPolicy } from "../service-config/method-config.js";
import type { ReplayBuffer } from "./replay-buffer.js";
import type { RetryThrottle } from "./retry-throttle.js";

/** The policy of a call's method: retry after failures, or hedge (send copies before failures). */
export type CallRetryPolicy = { readonly kind: "retry"; readonly policy: RetryPolicy } | { readonly kind: "hedging"; readonly policy: HedgingPolicy };

/**
 * Opens one attempt of the call on a connection the channel picks, with `previousAttempts` in its
 * headers; a GrpcError when no connection could be had (the attempt failed before it was sent).
 */
export type AttemptOpener = (
  previousAttempts: number,
  listener: CallStreamListener,
) => ClientCallStream | GrpcError | Promise<ClientCallStream | GrpcError>;

/** What a RetryingCallStream needs besides the listener it reports to. */
export interface RetryingCallSettings {
  readonly retry: CallRetryPolicy;
  readonly throttle: RetryThrottle | undefined;
  readonly buffer: ReplayBuffer;
  readonly open: AttemptOpener;
  readonly timers?: Timers;
  readonly random?: () => number;
}

/** One attempt: its stream once open, how many buffered frames it was sent, and how it is doing. */
interface Attempt {
  readonly previousAttempts: number;
  readonly isTransparentRetry: boolean;
  stream: ClientCallStream | undefined;
  sentFrames: number;
  isEnded: boolean;
}

/**
 * One call sent as several attempts (gRFC A6), seen from the call as a single ClientCallStream.
 * Request frames are kept in a replay buffer and sent to every attempt; the first attempt to
 * receive response headers is committed (the others are cancelled) and from then on passes
 * straight through. An attempt the server never processed is sent again at once, once, without
 * counting. Retry policy: an attempt that fails with a retryable status before committing is
 * followed by the next after a randomized exponential backoff, or the server's pushback. Hedging
 * policy: a new attempt every hedgingDelay (at once after a non-fatal failure) up to maxAttempts.
 * A full buffer commits the call to its current attempt. The call's one deadline and cancellation
 * reach every attempt through cancel().
 */
export class RetryingCallStream implements ClientCallStream {
  readonly #settings: RetryingCallSettings;
  readonly #listener: CallStreamListener;
  readonly #timers: Timers;
  readonly #random: () => number;
  readonly #attempts = new Set<Attempt>();
  #committed: Attempt | undefined;
  #attemptCount = 0;
  #nextBackoffMs: number;
  #timer: unknown;
  #isHedgingStopped = false;
  #isPaused = false;
  #isDone = false;
  /** The failure to report once nothing else can succeed (hedging). */
  #lastEnd: CallStreamEnd | undefined;

  constructor(settings: RetryingCallSettings, listener: CallStreamListener) {
    this.#settings = settings;
    this.#listener = listener;
    this.#timers = settings.timers ?? systemTimers;
    this.#random = settings.random ?? Math.random;
    this.#nextBackoffMs = settings.retry.kind === "retry" ? settings.retry.policy.initialBackoffMs : 0;
    this.#startAttempt(undefined);
  }

  /** Attempts started so far, transparent retries not counted. */
  get attemptCount(): number {
    return this.#attemptCount;
  }

  sendFrame(frame: Uint8Array, isLast: boolean, messages = 1): boolean {
    if (this.#isDone) return true;
    const buffer = this.#settings.buffer;
    if (this.#committed === undefined && !buffer.add(frame, isLast, messages)) {
      // gRFC A6: a request that outgrows the buffer commits the call to the attempt sent the most.
      const kept = this.#mostAdvanced();
      if (kept === undefined) return this.#finish(this.#lastEnd ?? bufferOverflowEnd()), true; // a retry was pending: it cannot replay now
      this.#commit(kept);
    }
    const committed = this.#committed;
    if (committed !== undefined) {
      if (committed.stream !== undefined) return committed.stream.sendFrame(frame, isLast, messages);
      buffer.append(frame, isLast, messages); // replayed, in order, when the attempt opens
      return true;
    }
    let isWritable = true;
    for (const attempt of this.#attempts) {
      if (attempt.stream === undefined) continue; // sent from the buffer once it opens
      attempt.sentFrames++;
      if (!attempt.stream.sendFrame(frame, isLast, messages)) isWritable = false;
    }
    return isWritable;
  }

  closeSend(): void {
    if (this.#isDone) return;
    this.#settings.buffer.closeSend();
    for (const attempt of this.#attempts) attempt.stream?.closeSend();
  }

  drained(): Promise<void> {
    const waits = [...this.#attempts].flatMap((attempt) => (attempt.stream === undefined ? [] : [attempt.stream.drained()]));
    return waits.length === 1 ? (waits[0] as Promise<void>) : Promise.all(waits).then(() => {});
  }

  pauseReceiving(): void {
    this.#isPaused = true;
    for (const attempt of this.#attempts) attempt.stream?.pauseReceiving();
  }

  resumeReceiving(): void {
    this.#isPaused = false;
    for (const attempt of this.#attempts) attempt.stream?.resumeReceiving();
  }

  cancel(): void {
    if (this.#isDone) return;
    this.#isDone = true;
    this.#stop(undefined);
  }

  /** Starts the next attempt, or sends `replaced` (an attempt the server never saw) again under the same count. */
  #startAttempt(replaced: Attempt | undefined): void {
    const previousAttempts = replaced === undefined ? this.#attemptCount++ : replaced.previousAttempts;
    const attempt: Attempt = { previousAttempts, isTransparentRetry: replaced !== undefined, stream: undefined, sentFrames: 0, isEnded: false };
    this.#attempts.add(attempt);
    const listener: CallStreamListener = {
      onHeaders: (metadata, encoding) => this.#onHeaders(attempt, metadata, encoding),
      onFrame: (frame) => this.#onFrame(attempt, frame),
      onEnd: (end) => this.#onEnd(attempt, end),
    };
    const opened = this.#settings.open(previousAttempts, listener);
    if (opened instanceof Promise) void opened.then((result) => this.#onOpened(attempt, result));
    else this.#onOpened(attempt, opened);
    if (this.#settings.retry.kind === "hedging" && replaced === undefined) this.#scheduleHedge(this.#settings.retry.policy.hedgingDelayMs);
  }

  #onOpened(attempt: Attempt, result: ClientCallStream | GrpcError): void {
    if (attempt.isEnded || this.#isDone) {
      if (!(result instanceof GrpcError)) result.cancel();
      return;
    }
    if (result instanceof GrpcError) return this.#onEnd(attempt, { error: result, trailers: new Metadata(), isUnprocessed: false });
    attempt.stream = result;
    if (this.#isPaused) result.pauseReceiving();
    const buffer = this.#settings.buffer;
    buffer.replay(
      attempt.sentFrames,
      (frame, isLast, messages) => {
        attempt.sentFrames++;
        result.sendFrame(frame, isLast, messages);
      },
      () => result.closeSend(),
    );
    if (this.#committed === attempt) buffer.release();
  }

  #onHeaders(attempt: Attempt, metadata: Metadata, encoding: string | undefined): void {
    if (attempt.isEnded || this.#isDone) return;
    // gRFC A6: response headers commit the call to this attempt.
    if (this.#committed !== attempt) this.#commit(attempt);
    this.#listener.onHeaders(metadata, encoding);
  }

  #onFrame(attempt: Attempt, frame: Frame): void {
    if (this.#committed === attempt && !this.#isDone) this.#listener.onFrame(frame);
  }

  #onEnd(attempt: Attempt, end: CallStreamEnd): void {
    if (attempt.isEnded || this.#isDone) return;
    attempt.isEnded = true;
    this.#attempts.delete(attempt);
    const { throttle, retry } = this.#settings;
    const error = end.error;
    if (error === undefined) {
      throttle?.recordSuccess();
      return this.#finish(end);
    }
    const codes = retry.kind === "retry" ? retry.policy.retryableStatusCodes : retry.policy.nonFatalStatusCodes;
    const pushbackMs = end.retryPushbackMs;
    const isRetryable = codes.has(error.code);
    // gRFC A6: only these count as failures for throttling (not INVALID_ARGUMENT and the like).
    if ((isRetryable && !end.isUnprocessed) || pushbackMs === -1) throttle?.recordFailure();
    if (this.#committed !== undefined) return this.#finish(end);
    // gRFC A6 "Transparent Retries": the server never saw it; once, at once, not counted.
    if (end.isUnprocessed && !attempt.isTransparentRetry) return this.#startAttempt(attempt);
    if (!isRetryable) return this.#finish(end);
    if (retry.kind === "retry") this.#retryAfter(end, pushbackMs, retry.policy);
    else this.#hedgeAfter(end, pushbackMs);
  }

  #retryAfter(end: CallStreamEnd, pushbackMs: number | undefined, policy: RetryPolicy): void {
    const isAllowed = this.#settings.throttle?.isRetryAllowed ?? true;
    if (pushbackMs === -1 || this.#attemptCount >= policy.maxAttempts || !isAllowed) return this.#finish(end);
    let delayMs: number;
    if (pushbackMs !== undefined) {
      delayMs = pushbackMs;
      this.#nextBackoffMs = policy.initialBackoffMs; // A6: after pushback the backoff starts over
    } else {
      delayMs = this.#random() * this.#nextBackoffMs;
      this.#nextBackoffMs = Math.min(this.#nextBackoffMs * policy.backoffMultiplier, policy.maxBackoffMs);
    }
    this.#lastEnd = end;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#isDone) this.#startAttempt(undefined);
    }, delayMs);
  }

  #hedgeAfter(end: CallStreamEnd, pushbackMs: number | undefined): void {
    this.#lastEnd = end;
    if (pushbackMs === -1) this.#isHedgingStopped = true;
    if (this.#isHedgingStopped || !this.#canHedge()) {
      this.#clearTimer();
      if (this.#attempts.size === 0) this.#finish(end);
      return;
    }
    // A6: a non-fatal failure sends the next hedge at once, or after the server's pushback.
    if (pushbackMs !== undefined) this.#scheduleHedge(pushbackMs);
    else {
      this.#clearTimer();
      this.#startAttempt(undefined);
    }
  }

  #canHedge(): boolean {
    const retry = this.#settings.retry;
    if (retry.kind !== "hedging" || this.#isHedgingStopped || this.#committed !== undefined) return false;
    return this.#attemptCount < retry.policy.maxAttempts && (this.#settings.throttle?.isRetryAllowed ?? true);
  }

  #scheduleHedge(delayMs: number): void {
    this.#clearTimer();
    if (!this.#canHedge()) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      if (this.#isDone) return;
      if (this.#canHedge()) this.#startAttempt(undefined);
      else if (this.#attempts.size === 0 && this.#lastEnd !== undefined) this.#finish(this.#lastEnd);
    }, delayMs);
  }

  /** The attempt that was sent the most (the one to keep when the buffer overflows). */
  #mostAdvanced(): Attempt | undefined {
    let best: Attempt | undefined;
    for (const attempt of this.#attempts) if (best === undefined || attempt.sentFrames > best.sentFrames) best = attempt;
    return best;
  }

  #commit(attempt: Attempt | undefined): void {
    this.#committed = attempt;
    this.#clearTimer();
    for (const other of [...this.#attempts]) {
      if (other === attempt) continue;
      other.isEnded = true;
      this.#attempts.delete(other);
      other.stream?.cancel();
    }
    // An attempt still opening replays the buffer when it opens, and releases it then.
    if (attempt?.stream !== undefined) this.#settings.buffer.release();
  }

  #finish(end: CallStreamEnd): void {
    this.#isDone = true;
    this.#stop(undefined);
    this.#listener.onEnd({ ...end, isUnprocessed: false });
  }

  #stop(kept: Attempt | undefined): void {
    this.#clearTimer();
    for (const attempt of this.#attempts) {
      if (attempt === kept) continue;
      attempt.isEnded = true;
      attempt.stream?.cancel();
    }
    this.#attempts.clear();
    this.#settings.buffer.release();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function bufferOverflowEnd(): CallStreamEnd {
  return { error: new GrpcError(Status.UNAVAILABLE, "the request outgrew the retry buffer while a retry was pending"), trailers: new Metadata(), isUnprocessed: false };
}
