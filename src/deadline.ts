import { GrpcError } from "./grpc-error.js";
import { Status } from "./status.js";

/** The clock and timer functions deadlines use; tests inject fakes so they never sleep. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's clock and timers, with every timer unref()ed so a pending deadline never holds the process open. */
export const systemTimers: Timers = {
  now: Date.now,
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** setTimeout silently fires at once for delays above 2^31-1 ms; longer deadlines re-arm. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Returns the deadline (epoch ms) of whichever of `timeoutMs` and `deadline` ends first, or undefined for none. */
export function resolveDeadline(
  options: { readonly timeoutMs?: number | undefined; readonly deadline?: number | Date | undefined },
  now: number,
): number | undefined {
  const fromTimeout = options.timeoutMs === undefined ? undefined : now + Math.max(0, options.timeoutMs);
  const fromDeadline = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  if (fromTimeout === undefined) return fromDeadline;
  if (fromDeadline === undefined) return fromTimeout;
  return Math.min(fromTimeout, fromDeadline);
}

/** The error a call ends with when its deadline passes. */
export function deadlineExceeded(): GrpcError {
  return new GrpcError(Status.DEADLINE_EXCEEDED, "deadline exceeded");
}

/** The error a call ends with when its caller's signal aborts (unless the reason is a GrpcError already). */
export function cancelledBy(reason: unknown): GrpcError {
  if (reason instanceof GrpcError) return reason;
  return new GrpcError(Status.CANCELLED, "call cancelled", undefined, { cause: reason });
}

/**
 * Calls `onExpire` once at `deadline` (epoch ms), re-arming past MAX_TIMER_MS; returns a function
 * that disarms it. An already-passed deadline expires on the next macrotask, never synchronously.
 */
export function armDeadline(deadline: number, onExpire: () => void, timers: Timers = systemTimers): () => void {
  let handle: unknown;
  const arm = (): void => {
    const remaining = deadline - timers.now();
    if (remaining <= 0 && handle !== undefined) {
      handle = undefined;
      onExpire();
      return;
    }
    handle = timers.setTimeout(arm, Math.min(Math.max(remaining, 0), MAX_TIMER_MS));
  };
  arm();
  return () => {
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
  };
}

/**
 * One call's cancellation: a signal that aborts when the parent signal aborts (reason CANCELLED,
 * or the parent's GrpcError), when the deadline passes (DEADLINE_EXCEEDED), or when `abort` is
 * called. Unlike AbortSignal.any it detaches from the parent in `dispose`, so long-lived parent
 * signals do not collect listeners.
 */
export class CallSignal {
  readonly #controller = new AbortController();
  readonly #parent: AbortSignal | undefined;
  #disarm: (() => void) | undefined;
  readonly #onParentAbort = (): void => this.abort(cancelledBy(this.#parent?.reason));

  constructor(options: { readonly signal?: AbortSignal | undefined; readonly deadline?: number | undefined }, timers: Timers = systemTimers) {
    this.#parent = options.signal;
    if (this.#parent?.aborted) {
      this.#controller.abort(cancelledBy(this.#parent.reason));
      return;
    }
    this.#parent?.addEventListener("abort", this.#onParentAbort, { once: true });
    if (options.deadline !== undefined) {
      this.#disarm = armDeadline(options.deadline, () => this.abort(deadlineExceeded()), timers);
    }
  }

  /** The combined signal; its reason is always a GrpcError. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Aborts with `reason` (first reason wins) and releases the timer and parent listener. */
  abort(reason: GrpcError): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
    this.dispose();
  }

  /** Releases the timer and the parent listener without aborting. */
  dispose(): void {
    this.#disarm?.();
    this.#disarm = undefined;
    this.#parent?.removeEventListener("abort", this.#onParentAbort);
  }
}
