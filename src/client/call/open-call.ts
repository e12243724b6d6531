import { compressionFor, type Compression } from "../../codec/compression.js";
import type { AnyMethodDefinition } from "../../definition.js";
import { GrpcError } from "../../grpc-error.js";
import { Metadata } from "../../metadata.js";
import type { CallOptions } from "../call-options.js";
import type { ChannelImpl } from "../channel/channel.js";
import type { CallCredentials } from "../credentials/call-credentials.js";
import { addCredentialMetadata, credentialsOf } from "../credentials/credential-metadata.js";
import type { ClientCallObservation } from "../../telemetry/call-observer.js";
import { isObserving, observeClientCall } from "../../telemetry/observers.js";
import type { ResponseListener } from "./call-setup.js";
import type { CallSite } from "./call-site.js";
import { ClientCall } from "./client-call.js";
import { pumpRequests } from "./request-pump.js";

/** A call as the client decided it: the method, its options and what the interceptors made of them. */
export interface CallSpec {
  readonly method: AnyMethodDefinition;
  readonly options: CallOptions;
  /** Request metadata (the caller's, as interceptors left it). */
  readonly metadata: Metadata | undefined;
  /** Epoch ms, or undefined for none. */
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly callSite: CallSite | undefined;
}

/**
 * Starts one call of any kind (ARCHITECTURE.md §2): the request compression, the ClientCall,
 * the call credentials' metadata, then the requests: `single` written whole with END_STREAM
 * (unary and server-streaming calls without interceptors), or `stream` pumped as the stream
 * drains. The one place a call is set up, started and fed; a failure before anything was sent
 * (an unknown compression, a request that does not fit its type) ends the call through `listener`.
 */
export function openCall(
  channel: ChannelImpl,
  clientCredentials: CallCredentials | undefined,
  spec: CallSpec,
  listener: ResponseListener,
  single: unknown,
  stream: AsyncIterable<unknown> | undefined,
): ClientCall | undefined {
  const { options, method } = spec;
  let requestMetadata = spec.metadata;
  let observation: ClientCallObservation | undefined;
  if (isObserving()) {
    // Observers may add to the metadata (trace context): a copy, never the caller's own object.
    requestMetadata = requestMetadata?.clone() ?? new Metadata();
    observation = observeClientCall({ path: method.path, target: channel.target, metadata: requestMetadata, deadline: spec.deadline });
  }
  let compression: Compression | undefined;
  try {
    compression = options.compression === undefined ? undefined : compressionFor(options.compression);
  } catch (error) {
    const failure = GrpcError.from(error);
    observation?.onEnd?.(failure, new Metadata());
    listener.onEnd(failure, new Metadata());
    return undefined;
  }
  const call = new ClientCall(
    channel,
    {
      method,
      metadata: requestMetadata,
      deadline: spec.deadline,
      signal: spec.signal,
      compression,
      waitForReady: options.waitForReady === true,
      onHeader: options.onHeader,
      onTrailer: options.onTrailer,
      callSite: spec.callSite,
      observation,
    },
    listener,
  );
  let frame: Uint8Array | Promise<Uint8Array> | undefined;
  if (stream === undefined) {
    try {
      frame = call.encodeRequest(single);
    } catch (error) {
      call.cancel(GrpcError.from(error)); // nothing was sent: a bad request never opens a stream
      return call;
    }
  }
  const credentials = credentialsOf(clientCredentials, options.credentials);
  const metadata = credentials.length === 0 ? undefined : addCredentialMetadata(credentials, channel, method, requestMetadata, spec.signal);
  const started = call.start(metadata);
  if (started === true && !(frame instanceof Promise)) {
    sendRequests(call, frame, stream);
    return call;
  }
  void Promise.all([started, frame]).then(
    ([isStarted, bytes]) => {
      if (isStarted) sendRequests(call, bytes, stream);
    },
    (error: unknown) => call.cancel(GrpcError.from(error)),
  );
  return call;
}

function sendRequests(call: ClientCall, frame: Uint8Array | undefined, stream: AsyncIterable<unknown> | undefined): void {
  if (stream !== undefined) void pumpRequests(call, stream);
  else call.writeFrame(frame as Uint8Array, true);
}
