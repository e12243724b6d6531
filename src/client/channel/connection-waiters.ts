import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { ClientConnection } from "../../transport/client-connection.js";

// A call that finds no ready connection waits here (the picker queued it: the channel is
// connecting, or waitForReady holds it through TRANSIENT_FAILURE) until the next picker settles
// it. Only the slow path comes here; a call with a ready connection never allocates a waiter.

/** What the channel's picker says for one call: its connection, an error to fail it with, or undefined to keep waiting. */
export type PickResult = ClientConnection | GrpcError | undefined;

interface ConnectionWaiter {
  readonly waitForReady: boolean;
  readonly path: string;
  resolve(connection: ClientConnection): void;
  reject(error: GrpcError): void;
}

/** The calls of one channel waiting for a connection, in the order they came. */
export class ConnectionWaiters {
  #waiters: ConnectionWaiter[] = [];

  /** How many calls wait. */
  get size(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves with the connection a later settle() picks for `path`; rejects with the error it
   * gives, or with the signal's reason (CANCELLED if it has none) when the call gives up first.
   */
  wait(waitForReady: boolean, path: string, signal: AbortSignal | undefined): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(GrpcError.from(signal?.reason, Status.CANCELLED));
      };
      const waiter: ConnectionWaiter = {
        waitForReady,
        path,
        resolve: (connection) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(connection);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
      // A call that gives up (deadline, cancel) stops waiting.
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Asks `pick` again for every waiting call: resolves those it gives a connection, rejects those
   * it fails, and, when `failFast` is given (the channel is in TRANSIENT_FAILURE), rejects with
   * its error every call still without a connection unless it waits for ready.
   */
  settle(pick: (path: string) => PickResult, failFast: (() => GrpcError) | undefined): void {
    const waiting: ConnectionWaiter[] = [];
    for (const waiter of this.#take()) {
      const picked = pick(waiter.path);
      if (picked instanceof GrpcError) waiter.reject(picked);
      else if (picked !== undefined) waiter.resolve(picked);
      else if (failFast !== undefined && !waiter.waitForReady) waiter.reject(failFast());
      else waiting.push(waiter);
    }
    this.#waiters.push(...waiting);
  }

  /** Rejects every waiting call with an error of its own from `error()` (the channel closed). */
  rejectAll(error: () => GrpcError): void {
    for (const waiter of this.#take()) waiter.reject(error());
  }

  #take(): ConnectionWaiter[] {
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }
}
