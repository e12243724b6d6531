import { GrpcError } from "../../grpc-error.js";
import type { ClientCall } from "./client-call.js";
import { OutgoingMessages } from "./outgoing-messages.js";

/**
 * Pulls requests from `requests` into the call, one at a time and only when the stream can take
 * more (write() returned true or 'drain' fired), then half-closes. A request source that throws
 * cancels the call with its error (UNKNOWN unless it is a GrpcError); a call that ends stops the pull.
 */
export async function pumpRequests(call: ClientCall, requests: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
  const queue = requests instanceof OutgoingMessages ? requests : undefined;
  try {
    for await (const message of requests) {
      if (call.isEnded) break;
      const frame = call.encodeRequest(message, queue?.currentOptions);
      const bytes = frame instanceof Uint8Array ? frame : await frame;
      if (!call.writeFrame(bytes, false)) await call.drain();
      if (call.isEnded) break;
    }
    call.halfClose();
  } catch (error) {
    call.cancel(GrpcError.from(error));
  }
  if (call.isEnded) queue?.close(call.endError);
}
