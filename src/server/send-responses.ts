import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { HandlerOutcome, type OutcomeSink } from "./handler-outcome.js";
import type { ServerCall } from "./server-call.js";

/**
 * Sends what an invoke returned (ARCHITECTURE.md §2): a HandlerOutcome straight from the handler
 * (the fast case), or the async iterable an interceptor made of it. A unary or client-streaming
 * method sends exactly one response; a streaming one every response, pulled only after the
 * previous frame was accepted (backpressure), then the status.
 */
export function sendResponses(call: ServerCall, responses: AsyncIterable<unknown>): void {
  if (responses instanceof HandlerOutcome) return responses.run(new OutcomeSender(call, responses.isSingleResponse));
  if (isSingleResponse(call)) void sendSingle(call, readOne(responses));
  else void sendAll(call, responses);
}

/** Sends a handler's result as the call's response(s), or fails the call with what it threw. */
class OutcomeSender implements OutcomeSink {
  readonly #call: ServerCall;
  readonly #isSingleResponse: boolean;

  constructor(call: ServerCall, isSingleResponse: boolean) {
    this.#call = call;
    this.#isSingleResponse = isSingleResponse;
  }

  onResult(result: unknown): void {
    if (this.#isSingleResponse) void sendSingle(this.#call, result);
    else void sendAll(this.#call, result);
  }

  onError(error: unknown): void {
    this.#call.fail(error);
  }
}

function isSingleResponse(call: ServerCall): boolean {
  return call.method.kind === "unary" || call.method.kind === "client_streaming";
}

/** Sends the one response of a unary or client-streaming call, or the error it settles with. */
async function sendSingle(call: ServerCall, response: unknown): Promise<void> {
  try {
    const result = await response;
    if (call.isFinished) return; // a late result after the deadline or a cancel is dropped
    const encoded = call.encode(result);
    call.finishOk(encoded instanceof Promise ? await encoded : encoded);
  } catch (error) {
    call.fail(error);
  }
}

/**
 * Sends every response and then the OK status, or the error the iterable throws. The responses
 * ready in one turn go out in one write (ServerCall.send); the next one is pulled only while the
 * stream takes more, so a slow reader stops the handler at its yield. When the call ends early
 * (cancel, deadline), the loop breaks and `for await` returns the iterable, running the handler's
 * finally blocks.
 */
async function sendAll(call: ServerCall, responses: unknown): Promise<void> {
  try {
    for await (const message of responses as AsyncIterable<unknown> | Iterable<unknown>) {
      if (call.isFinished) break;
      const sent = call.send(message);
      if (!(sent instanceof Promise ? await sent : sent) && !call.isFinished) await call.drained();
      if (call.isFinished) break;
    }
    call.finishOk();
  } catch (error) {
    call.fail(error);
  }
}

// An interceptor's iterable for a single-response method: exactly one response, as grpc-go's
// cardinality rule asks of the server too.
async function readOne(responses: AsyncIterable<unknown>): Promise<unknown> {
  let response: unknown;
  let count = 0;
  for await (const message of responses) {
    if (++count > 1) throw new GrpcError(Status.INTERNAL, "cardinality violation: the handler produced more than one response for a non-server-streaming RPC");
    response = message;
  }
  if (count === 0) throw new GrpcError(Status.INTERNAL, "cardinality violation: the handler produced no response for a non-server-streaming RPC");
  return response;
}
