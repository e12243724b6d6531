import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import { copyError } from "./call-site.js";

/**
 * When a call reached each phase (performance.now() ms), so that a DEADLINE_EXCEEDED can say
 * where its time went: waiting for a connection, waiting for the server's response headers, or
 * receiving the response.
 */
export class CallTiming {
  readonly startedAt = performance.now();
  connectedAt: number | undefined;
  /** The server's address, once the call had a connection. */
  address: string | undefined;
  headersAt: number | undefined;
  messagesReceived = 0;

  /** The call has a connection to `address` (the first one counts for the time it took). */
  connected(address: string): void {
    this.connectedAt ??= performance.now();
    this.address = address;
  }

  /** The server's response headers arrived now. */
  headersReceived(): void {
    this.headersAt = performance.now();
  }

  /** One more response message reached the caller. */
  messageReceived(): void {
    this.messagesReceived++;
  }

  /** The error for a deadline that passed now; `target` is the channel's, `cause` the signal's reason. */
  deadlineExceeded(target: string, cause: unknown): GrpcError {
    const now = performance.now();
    const total = Math.round(now - this.startedAt);
    let where: string;
    if (this.connectedAt === undefined) {
      where = `waiting ${total} ms for a connection to ${target}`;
    } else if (this.headersAt === undefined) {
      const waiting = Math.round(now - this.connectedAt);
      where = `${Math.round(this.connectedAt - this.startedAt)} ms to get a connection, then ${waiting} ms waiting for ${this.address} to answer`;
    } else {
      where = `receiving the response from ${this.address} (${this.messagesReceived} message${this.messagesReceived === 1 ? "" : "s"} in ${Math.round(now - this.headersAt)} ms, after ${Math.round(this.headersAt - this.startedAt)} ms until its headers)`;
    }
    return new GrpcError(Status.DEADLINE_EXCEEDED, `deadline exceeded after ${total} ms, ${where}`, undefined, { cause });
  }
}

/**
 * The error a call ends with when its signal aborts: DEADLINE_EXCEEDED saying where the time went
 * (and where the call was going), else the caller's own reason (CANCELLED unless a GrpcError).
 */
export function errorFromAbort(reason: unknown, timing: CallTiming | undefined, target: string): GrpcError {
  const error = GrpcError.from(reason, Status.CANCELLED);
  return error.code === Status.DEADLINE_EXCEEDED ? deadlineExceeded(timing, target, error) : copyError(error);
}

/** DEADLINE_EXCEEDED for a deadline that passed now, with `timing`'s account of where the time went when the call kept one. */
export function deadlineExceeded(timing: CallTiming | undefined, target: string, cause: unknown): GrpcError {
  return timing === undefined ? new GrpcError(Status.DEADLINE_EXCEEDED, "deadline exceeded", undefined, { cause }) : timing.deadlineExceeded(target, cause);
}
