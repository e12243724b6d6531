// Test fixture for the reliability tests: an Echo server whose replies carry sequence numbers, and
// clients that check what they received was a gap-free, in-order prefix of what was sent.
import { setTimeout as sleep } from "node:timers/promises";
import { GrpcError } from "../../src/grpc-error.js";
import type { ServiceImpl } from "../../src/server/service-impl.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";

/** Status codes a call may fail with when the network or the server fails under it. */
export const FAILURE_CODES: ReadonlySet<Status> = new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.CANCELLED, Status.INTERNAL]);

/** What the server saw of each client-streaming call that it answered OK. */
export interface ServerTally {
  /** The counts the server returned OK for, by the request id. */
  readonly counted: Map<string, number>;
}

/**
 * Echo handlers: unary echoes; serverStream sends `count` replies indexed 0..count-1 (`delayMs`
 * apart, payload of `payload.length` bytes each); clientStream counts and checks the indexes it
 * reads are 0, 1, 2, ... (else DATA_LOSS); bidi echoes each request's index back at once.
 */
export function countingEcho(tally: ServerTally = { counted: new Map() }): ServiceImpl<typeof Echo> {
  return {
    async unary(request) {
      return { message: request.message, id: request.id };
    },
    async *serverStream(request, ctx) {
      for (let index = 0; index < request.count && !ctx.signal.aborted; index++) {
        if (request.delayMs > 0) await sleep(request.delayMs, undefined, { signal: ctx.signal }).catch(() => {});
        yield { index, payload: request.payload };
      }
    },
    async clientStream(requests) {
      let count = 0;
      let id = "";
      for await (const request of requests) {
        if (request.count !== count) throw new GrpcError(Status.DATA_LOSS, `request ${request.count} arrived as number ${count}`);
        id = request.id;
        count++;
      }
      tally.counted.set(id, count);
      return { index: count, id };
    },
    async *bidi(requests) {
      for await (const request of requests) yield { index: request.count, payload: request.payload };
    },
  };
}

/** Throws unless `indexes` is 0, 1, ..., n-1. */
export function expectGapFree(indexes: readonly number[]): void {
  indexes.forEach((index, position) => {
    if (index !== position) throw new Error(`message ${position} carried index ${index}: a message was lost, repeated or reordered`);
  });
}

/** The outcome of a call as the reliability tests judge it. */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: Status; readonly error: GrpcError };

/** Runs `call`; resolves with OK, or the GrpcError's code; rethrows anything that is not a GrpcError. */
export async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    if (error instanceof GrpcError) return { ok: false, code: error.code, error };
    throw error;
  }
}
