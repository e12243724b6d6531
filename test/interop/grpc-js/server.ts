// The interop TestService on @grpc/grpc-js (the peer h2grpc's interop client is checked against).
// Usage: node dist/test/interop/grpc-js/server.js --port=N [--host=H] [--use_tls=true
// --tls_cert_file=F --tls_key_file=K]. Prints "listening on <port>" once it serves.
//
// grpc-js cannot compress responses (its server always sends the compressed flag 0), so the
// server_compressed_* cases are not expressible against it; request compression is observed
// through the wire tap (wire-tap.ts).
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { parseFlags } from "../flags.js";
import { ensureInteropCerts } from "../interop-certs.js";
import type {
  SimpleRequest,
  StreamingInputCallRequest,
  StreamingOutputCallRequest,
  StreamingOutputCallResponse,
} from "../interop-messages.js";
import { TestService } from "../interop-messages.js";
import { ECHO_INITIAL_KEY, ECHO_TRAILING_KEY } from "../interop-spec.js";
import { compressionMismatch, echoedStatus, payloadOf, waitInterval } from "../server-behaviour.js";
import { installWireTap, receivedCompressedFlags, TAP_ID_HEADER } from "../wire-tap.js";
import { toGrpcJsDefinition } from "./grpc-js-definitions.js";

installWireTap();

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

function failStream(call: StreamCall, error: unknown): void {
  const status = error as Partial<grpc.StatusObject>;
  call.emit("error", typeof status.code === "number" ? status : { code: grpc.status.UNKNOWN, details: String(error) });
}

const implementation: grpc.UntypedServiceImplementation = {
  emptyCall(call: grpc.ServerUnaryCall<unknown, unknown>, respond: Respond<unknown>) {
    echoInitial(call);
    respond(null, {}, echoTrailer(call));
  },
  unaryCall(call: grpc.ServerUnaryCall<SimpleRequest, unknown>, respond: Respond<unknown>) {
    echoInitial(call);
    const request = call.request;
    const mismatch = compressionMismatch(request.expectCompressed, messageFlag(call, 0));
    if (mismatch !== undefined) return respond(statusError(grpc.status.INVALID_ARGUMENT, mismatch, echoTrailer(call)));
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
      const mismatch = compressionMismatch(request.expectCompressed, messageFlag(call, index++));
      if (mismatch !== undefined && !failed) {
        failed = true;
        respond(statusError(grpc.status.INVALID_ARGUMENT, mismatch, echoTrailer(call)));
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

const flags = parseFlags(process.argv.slice(2));
const useTls = flags.bool("use_tls", false);
let credentials = grpc.ServerCredentials.createInsecure();
if (useTls) {
  const defaults = ensureInteropCerts();
  credentials = grpc.ServerCredentials.createSsl(null, [
    {
      private_key: readFileSync(flags.string("tls_key_file", defaults.keyFile)),
      cert_chain: readFileSync(flags.string("tls_cert_file", defaults.certFile)),
    },
  ]);
}
const server = new grpc.Server();
server.addService(toGrpcJsDefinition(TestService), implementation);
const host = flags.string("host", "127.0.0.1");
server.bindAsync(`${host.includes(":") ? `[${host}]` : host}:${flags.int("port", 0)}`, credentials, (error, port) => {
  if (error !== null) {
    console.error(`grpc-js interop server: ${error.message}`);
    process.exit(1);
  }
  console.log(`listening on ${port}`);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.forceShutdown());
