import { compressionFor, type Compression } from "../codec/compression.js";
import { jsonSerializersOf } from "../codec/json-serializer.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { ServerCallStream } from "../transport/server-call-stream.js";
import { IncomingMessages } from "./incoming-messages.js";
import type { MessageSerializers, Route, Router } from "./router.js";
import { sendResponses } from "./send-responses.js";
import { ServerCall, type CallConfig } from "./server-call.js";
import type { IncomingCall } from "./server-interceptor.js";

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
    let route: Route;
    let compression: Compression | undefined;
    let serializers: MessageSerializers;
    try {
      route = router.find(stream.path);
      compression = compressionFor(stream.requestEncoding);
      serializers = serializersFor(route, stream.codec);
    } catch (error) {
      stream.finish(GrpcError.from(error, Status.UNIMPLEMENTED), undefined, undefined);
      return;
    }
    const call = new ServerCall(stream, route.method, serializers, deadlineOf(stream.timeoutMs, config.maxCallMs), compression, config);
    const requests = new IncomingMessages(call);
    call.requests = requests;
    stream.receive(requests);
    let responses: AsyncIterable<unknown>;
    try {
      // A plain object: interceptors copy it with `{ ...call, requests }`.
      const incoming: IncomingCall = { method: route.method, metadata: stream.metadata, context: call.context, requests };
      responses = route.invoke(incoming);
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
