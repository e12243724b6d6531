// The interop TestService on @grpc/grpc-js, the peer h2grpc's interop client is checked against.
// grpc-js cannot compress responses (its server always sends the compressed flag 0), so the
// server_compressed_* cases are not expressible against it; request compression is observed
// through the wire tap (wire-tap.ts).
import * as grpc from "@grpc/grpc-js";
import type {
  BoolValue,
  SimpleRequest,
  StreamingInputCallRequest,
  StreamingOutputCallRequest,
  StreamingOutputCallResponse,
} from "../interop-messages.js";
import { TestService } from "../interop-messages.js";
import { ECHO_INITIAL_KEY, ECHO_TRAILING_KEY } from "../interop-spec.js";
import { compressionMismatch, echoedStatus, payloadOf, waitInterval } from "../server-behaviour.js";
import { receivedCompressedFlags, TAP_ID_HEADER } from "../wire-tap.js";
import { toGrpcJsDefinition } from "./grpc-js-definitions.js";

type AnyCall = { readonly metadata: grpc.Metadata; sendMetadata(metadata: grpc.Metadata): void };

// Echo Metadata: the initial value goes back in the response headers, the trailing one in the trailers.
function echoInitial(call: AnyCall): void {
  const [value] = call.metadata.get(ECHO_INITIAL_KEY);
  if (value === undefined) return;
  const headers = new grpc.Metadata();
  headers.set(ECHO_INITIAL_KEY, value);
  call.sendMetadata(headers);
}

function echoTrailer(call: AnyCall): grpc.Metadata {
  const trailer = new grpc.Metadata();
  const [value] = call.metadata.get(ECHO_TRAILING_KEY);
  if (value !== undefined) trailer.set(ECHO_TRAILING_KEY, value);
  return trailer;
}

function messageFlag(call: AnyCall, index: number): boolean | undefined {
  const [id] = call.metadata.get(TAP_ID_HEADER);
  return receivedCompressedFlags(typeof id === "string" ? id : undefined)[index];
}

function statusError(code: grpc.status, details: string, metadata: grpc.Metadata): Partial<grpc.StatusObject> {
  return { code, details, metadata };
}

type Respond<T> = (error: Partial<grpc.StatusObject> | null, value?: T, trailer?: grpc.Metadata) => void;
type StreamCall = grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

async function writeResponses(call: StreamCall, request: StreamingOutputCallRequest): Promise<void> {
  for (const parameters of request.responseParameters) {
    await waitInterval(parameters);
    const response: StreamingOutputCallResponse = { payload: payloadOf(parameters.size) };
    if (!call.write(response)) await new Promise((resolve) => call.once("drain", resolve));
  }
}

// Node's plain async iterator destroys a stream once it ends, and a destroyed grpc-js server
// stream never sends its status; keep it alive so call.end() can.
function requestsOf<T>(call: grpc.ServerDuplexStream<T, unknown>): AsyncIterable<T> {
  return (call as unknown as { iterator(options: { destroyOnReturn: boolean }): AsyncIterable<T> }).iterator({ destroyOnReturn: false });
}

// The status for a request whose compression does not match expect_compressed, or null; a
// flag the tap did not observe (a broken setup) becomes INTERNAL rather than a thrown listener error.
function compressionStatus(call: AnyCall, expect: BoolValue | null, index: number): Partial<grpc.StatusObject> | null {
  try {
    const mismatch = compressionMismatch(expect, messageFlag(call, index));
    return mismatch === undefined ? null : statusError(grpc.status.INVALID_ARGUMENT, mismatch, echoTrailer(call));
  } catch (error) {
    return statusError(grpc.status.INTERNAL, (error as Error).message, echoTrailer(call));
  }
}

function failStream(call: StreamCall, error: unknown): void {
  const status = error as Partial<grpc.StatusObject>;
  call.emit("error", typeof status.code === "number" ? status : { code: grpc.status.UNKNOWN, details: String(error) });
}

/** The TestService handlers in grpc-js style (UnimplementedCall is left out: grpc-js answers UNIMPLEMENTED). */
export const grpcJsTestServiceImpl: grpc.UntypedServiceImplementation = {
  emptyCall(call: grpc.ServerUnaryCall<unknown, unknown>, respond: Respond<unknown>) {
    echoInitial(call);
    respond(null, {}, echoTrailer(call));
  },
  unaryCall(call: grpc.ServerUnaryCall<SimpleRequest, unknown>, respond: Respond<unknown>) {
    echoInitial(call);
    const request = call.request;
    const compression = compressionStatus(call, request.expectCompressed, 0);
    if (compression !== null) return respond(compression);
    const status = echoedStatus(request.responseStatus);
    if (status !== undefined) return respond(statusError(status.code, status.message, echoTrailer(call)));
    respond(null, { payload: payloadOf(request.responseSize) }, echoTrailer(call));
  },
  cacheableUnaryCall(call: grpc.ServerUnaryCall<SimpleRequest, unknown>, respond: Respond<unknown>) {
    respond(null, { payload: { body: new TextEncoder().encode(String(process.hrtime.bigint())) } });
  },
  streamingOutputCall(call: grpc.ServerWritableStream<StreamingOutputCallRequest, unknown>) {
    echoInitial(call);
    const status = echoedStatus(call.request.responseStatus);
    if (status !== undefined) return failStream(call, statusError(status.code, status.message, echoTrailer(call)));
    writeResponses(call, call.request).then(
      () => call.end(echoTrailer(call)),
      (error: unknown) => failStream(call, error),
    );
  },
  streamingInputCall(call: grpc.ServerReadableStream<StreamingInputCallRequest, unknown>, respond: Respond<unknown>) {
    echoInitial(call);
    let aggregatedPayloadSize = 0;
    let index = 0;
    let failed = false;
    call.on("data", (request: StreamingInputCallRequest) => {
      const compression = compressionStatus(call, request.expectCompressed, index++);
      if (compression !== null && !failed) {
        failed = true;
        respond(compression);
      }
      aggregatedPayloadSize += request.payload?.body.length ?? 0;
    });
    call.on("end", () => {
      if (!failed) respond(null, { aggregatedPayloadSize }, echoTrailer(call));
    });
  },
  fullDuplexCall(call: grpc.ServerDuplexStream<StreamingOutputCallRequest, unknown>) {
    echoInitial(call);
    (async () => {
      for await (const request of requestsOf(call)) {
        const status = echoedStatus(request.responseStatus);
        if (status !== undefined) throw statusError(status.code, status.message, echoTrailer(call));
        await writeResponses(call, request);
      }
      call.end(echoTrailer(call));
    })().catch((error: unknown) => failStream(call, error));
  },
  halfDuplexCall(call: grpc.ServerDuplexStream<StreamingOutputCallRequest, unknown>) {
    echoInitial(call);
    (async () => {
      const requests: StreamingOutputCallRequest[] = [];
      for await (const request of requestsOf(call)) requests.push(request);
      for (const request of requests) await writeResponses(call, request);
      call.end(echoTrailer(call));
    })().catch((error: unknown) => failStream(call, error));
  },
};

/** Creates a grpc-js server with the TestService (request compression is observed only after installWireTap()). */
export function createGrpcJsTestServer(): grpc.Server {
  const server = new grpc.Server();
  server.addService(toGrpcJsDefinition(TestService), grpcJsTestServiceImpl);
  return server;
}
