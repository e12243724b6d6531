// A timer that a handler can abandon: the tutorial's handlers "work" by waiting, and must stop
// when their call's signal aborts (deadline, client cancel, server shutdown).

/** Resolves after `ms`; rejects with `signal.reason` (a GrpcError for ctx.signal) as soon as the signal aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
