import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";

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
