import { compressionFor, type Compression } from "../codec/compression.js";
import { jsonSerializersOf } from "../codec/json-serializer.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { isObserving, observeServerCall } from "../telemetry/observers.js";
import type { ServerCallStream } from "../transport/server-call-stream.js";
import { IncomingMessages } from "./incoming-messages.js";
import type { MessageSerializers, Route, Router } from "./router.js";
import { sendResponses } from "./send-responses.js";
import { ServerCall, type CallConfig } from "./server-call.js";
import { RUN_IN_SCOPE, type ScopedIncomingCall } from "./handler-outcome.js";

/** Server-wide settings of the pipeline. */
export interface PipelineConfig extends CallConfig {
  /** Caps every call's deadline (ms), as tonic does; undefined for none. */
  readonly maxCallMs: number | undefined;
}

/**
 * The server's one call pipeline (ARCHITECTURE.md §2): for each call a transport accepted, find
 * the method (UNIMPLEMENTED naming what is unknown), check the request encoding (UNIMPLEMENTED, as
 * doc/compression.md says), arm the deadline, and run the route's invoke (the interceptors around
 * the adapted handler, or the adapted handler alone) with the request reader, sending what it
 * returns. Every kind of call, with or without interceptors, takes this path.
 */
export function createCallRunner(router: Router, config: PipelineConfig): (stream: ServerCallStream) => void {
  return (stream) => {
    let route: Route | undefined;
    let compression: Compression | undefined;
    let serializers: MessageSerializers | undefined;
    let refusal: unknown;
    try {
      route = router.find(stream.path);
      compression = compressionFor(stream.requestEncoding);
      serializers = serializersFor(route, stream.codec);
    } catch (error) {
      refusal = error;
    }
    const deadline = deadlineOf(stream.timeoutMs, config.maxCallMs);
    config.counters.callStarted();
    const observation = isObserving()
      ? observeServerCall({ path: stream.path, isRegistered: route !== undefined, metadata: stream.metadata, peer: stream.peer, deadline })
      : undefined;
    if (route === undefined || serializers === undefined) {
      const error = GrpcError.from(refusal, Status.UNIMPLEMENTED);
      stream.finish(error, undefined, undefined);
      config.counters.callEnded(false);
      observation?.onEnd?.(error);
      return;
    }
    const call = new ServerCall(stream, route.method, serializers, deadline, compression, config, observation);
    const requests = new IncomingMessages(call);
    call.requests = requests;
    stream.receive(requests);
    // A plain object: interceptors copy it with `{ ...call, requests }` (RUN_IN_SCOPE included).
    const incoming: ScopedIncomingCall = { method: route.method, metadata: stream.metadata, context: call.context, requests };
    const invoke = route.invoke;
    let responses: AsyncIterable<unknown>;
    try {
      const runInScope = observation?.runInScope;
      if (runInScope === undefined) responses = invoke(incoming);
      else {
        incoming[RUN_IN_SCOPE] = runInScope;
        responses = runInScope(() => invoke(incoming));
      }
    } catch (error) {
      call.fail(error); // an interceptor or handler that throws before returning
      return;
    }
    sendResponses(call, responses);
  };
}

/** The serializers of a call's messages in the codec its request named; UNIMPLEMENTED for one the server lacks. */
function serializersFor(route: Route, codec: ServerCallStream["codec"]): MessageSerializers {
  if (codec === "proto") return route.protoSerializers;
  const json = jsonSerializersOf(route.method); // made once per message type
  if (json !== undefined) return json;
  throw new GrpcError(Status.UNIMPLEMENTED, `the ${codec} message codec is not supported for ${route.method.path}`);
}

function deadlineOf(timeoutMs: number | undefined, maxCallMs: number | undefined): number | undefined {
  if (timeoutMs === undefined && maxCallMs === undefined) return undefined;
  const now = Date.now();
  const fromClient = timeoutMs === undefined ? Infinity : now + timeoutMs;
  return maxCallMs === undefined ? fromClient : Math.min(fromClient, now + maxCallMs);
}
