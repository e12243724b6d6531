import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { ConnectivityState } from "../client-options.js";

/** The listeners of a channel's connectivity state (doc/connectivity-semantics-and-api.md). */
export class StateWatchers {
  readonly #listeners = new Set<(state: ConnectivityState) => void>();

  /** Calls `listener` on every change until the returned function is called. */
  watch(listener: (state: ConnectivityState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every listener; one that throws does not stop the others (the error is the listener's). */
  notify(state: ConnectivityState): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(state);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Forgets every listener (the channel is shut down). */
  clear(): void {
    this.#listeners.clear();
  }

  /**
   * WaitForStateChange: resolves with the state once `current()` differs from `sourceState` (at
   * once if it does already); rejects with the signal's reason (a GrpcError) when it aborts first.
   */
  waitForChange(current: () => ConnectivityState, sourceState: ConnectivityState, signal: AbortSignal | undefined): Promise<ConnectivityState> {
    if (current() !== sourceState) return Promise.resolve(current());
    if (signal?.aborted === true) return Promise.reject(GrpcError.from(signal.reason, Status.CANCELLED));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        unwatch();
        reject(GrpcError.from(signal?.reason, Status.CANCELLED));
      };
      const unwatch = this.watch((state) => {
        unwatch();
        signal?.removeEventListener("abort", onAbort);
        resolve(state);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
