import type { ChannelImpl } from "../channel/channel.js";
import type { ClientInvoke, IncomingResponse, OutgoingCall } from "../client-interceptor.js";
import type { CallCredentials } from "../credentials/call-credentials.js";
import type { CallSite } from "./call-site.js";
import { openCall } from "./open-call.js";
import { OutgoingMessages } from "./outgoing-messages.js";
import { ResponseQueue } from "./response-queue.js";

/** Where the user made a call; set by the call objects, carried through interceptors' `{...call}` copies. */
export const CALL_SITE: unique symbol = Symbol("h2grpc.callSite");

/** An OutgoingCall as h2grpc builds it, with the user's call site attached. */
export type TracedCall = OutgoingCall & { readonly [CALL_SITE]?: CallSite };

/**
 * The innermost ClientInvoke: the one pipeline (openCall) with `call.requests` pumped into the
 * stream and a ResponseQueue for what comes back; resolves with the response once headers arrive,
 * rejects with the call's GrpcError when it ends without headers.
 */
export function createBaseInvoke(channel: ChannelImpl, clientCredentials: CallCredentials | undefined): ClientInvoke {
  return (call: TracedCall): Promise<IncomingResponse> => {
    const responses = new ResponseQueue();
    const spec = { method: call.method, options: call.options, metadata: call.metadata, deadline: call.deadline, signal: call.signal, callSite: call[CALL_SITE] };
    const clientCall = openCall(channel, clientCredentials, spec, responses, undefined, call.requests);
    if (clientCall !== undefined) responses.attach(clientCall);
    const requests = call.requests;
    if (requests instanceof OutgoingMessages) void responses.trailers.then(() => requests.close(clientCall?.endError));
    return responses.response;
  };
}
