import type { CallSite } from "./call-site.js";
import { compressionFor, type Compression } from "../codec/compression.js";
import type { CallCredentials } from "./credentials/call-credentials.js";
import type { ChannelImpl } from "./channel/channel.js";
import { ClientCall } from "./client-call.js";
import type { ClientInvoke, IncomingResponse, OutgoingCall } from "./client-interceptor.js";
import { pumpRequests } from "./request-pump.js";
import { RequestQueue } from "./request-queue.js";
import { ResponseQueue } from "./response-queue.js";
import { addCredentialMetadata, credentialsOf } from "./credentials/credential-metadata.js";

/** Where the user made a call; set by the call objects, carried through interceptors' `{...call}` copies. */
export const CALL_SITE: unique symbol = Symbol("h2grpc.callSite");

/** An OutgoingCall as h2grpc builds it, with the user's call site attached. */
export type TracedCall = OutgoingCall & { readonly [CALL_SITE]?: CallSite };

/**
 * The innermost ClientInvoke: starts the stream, pumps `call.requests` into it, and resolves with
 * the response once headers arrive. Rejects with the call's GrpcError when it ends without headers.
 */
export function createBaseInvoke(channel: ChannelImpl, clientCredentials: CallCredentials | undefined): ClientInvoke {
  return (call: TracedCall): Promise<IncomingResponse> => {
    const { options } = call;
    let compression: Compression | undefined;
    try {
      compression = options.compression === undefined ? undefined : compressionFor(options.compression);
    } catch (error) {
      return Promise.reject(error);
    }
    const responses = new ResponseQueue();
    const clientCall = new ClientCall(
      channel,
      {
        method: call.method,
        metadata: call.metadata,
        deadline: call.deadline,
        signal: call.signal,
        compression,
        waitForReady: options.waitForReady === true,
        onHeader: options.onHeader,
        onTrailer: options.onTrailer,
        callSite: call[CALL_SITE],
      },
      responses,
    );
    responses.attach(clientCall);
    const requests = call.requests;
    if (requests instanceof RequestQueue) void responses.trailers.then(() => requests.close(clientCall.endError));
    const credentials = credentialsOf(clientCredentials, options.credentials);
    const metadata =
      credentials.length === 0 ? undefined : addCredentialMetadata(credentials, channel, call.method, call.metadata, call.signal);
    const started = clientCall.start(metadata);
    if (started === true) void pumpRequests(clientCall, requests);
    else if (started !== false) {
      void started.then((isStarted) => {
        if (isStarted) void pumpRequests(clientCall, requests);
      });
    }
    return responses.response;
  };
}
