import type http2 from "node:http2";
import type { ServerCall } from "./server-call.js";

/**
 * Writes every response of `responses` and then the OK status, or the error it throws. The next
 * value is pulled only after the previous frame was accepted (write returned true or 'drain'
 * fired), so a slow reader pauses the generator. When the call ends early (cancel, deadline),
 * the loop breaks and `for await` returns the generator, running its finally blocks.
 */
export async function sendResponses(call: ServerCall, responses: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
  try {
    for await (const message of responses) {
      if (call.isFinished) break;
      const encoded = call.encode(message);
      const bytes = encoded instanceof Promise ? await encoded : encoded;
      if (call.isFinished) break;
      if (!call.write(bytes)) await waitForDrain(call.stream);
      if (call.isFinished) break;
    }
    call.finishOk();
  } catch (error) {
    call.fail(error);
  }
}

/** Sends the one response of a unary or client-streaming call, or the error it settles with. */
export async function sendSingleResponse(call: ServerCall, response: unknown): Promise<void> {
  try {
    const result = await response;
    if (call.isFinished) return; // a late result after the deadline or a cancel is dropped
    const encoded = call.encode(result);
    const bytes = encoded instanceof Promise ? await encoded : encoded;
    call.finishOk(bytes);
  } catch (error) {
    call.fail(error);
  }
}

function waitForDrain(stream: http2.ServerHttp2Stream): Promise<void> {
  if (stream.destroyed || stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
