// h2grpc's implementation of grpc.testing.TestService, as grpc/grpc
// doc/interop-test-descriptions.md specifies it ("Server"), written against the public API only.
// server.ts serves it; the vitest interop tests serve it in-process.
import { GrpcError, Status, type ServerCallContext, type ServiceImpl } from "../../src/index.js";
import type { BoolValue, EchoStatus, StreamingOutputCallRequest, TestServiceDefinition } from "./interop-messages.js";
import { ECHO_INITIAL_KEY, ECHO_TRAILING_KEY } from "./interop-spec.js";
import { compressionMismatch, echoedStatus, payloadOf, waitInterval } from "./server-behaviour.js";
import { receivedCompressedFlags, TAP_ID_HEADER } from "./wire-tap.js";

// Echo Metadata: the initial value goes back in the response headers, the trailing one in the trailers.
function echoMetadata(ctx: ServerCallContext): void {
  const initial = ctx.metadata.get(ECHO_INITIAL_KEY);
  if (initial !== undefined) ctx.header.set(ECHO_INITIAL_KEY, initial);
  const trailing = ctx.metadata.get(ECHO_TRAILING_KEY);
  if (trailing !== undefined) ctx.trailer.set(ECHO_TRAILING_KEY, trailing);
}

// Request compression is checked on the wire: h2grpc, like grpc-go, does not tell handlers
// whether a message arrived compressed, so this needs installWireTap() (wire-tap.ts).
function checkCompression(ctx: ServerCallContext, expect: BoolValue | null, messageIndex: number): void {
  const mismatch = compressionMismatch(expect, receivedCompressedFlags(ctx.metadata.get(TAP_ID_HEADER))[messageIndex]);
  if (mismatch !== undefined) throw new GrpcError(Status.INVALID_ARGUMENT, mismatch);
}

function throwEchoedStatus(status: EchoStatus | null): void {
  const echoed = echoedStatus(status);
  if (echoed !== undefined) throw new GrpcError(echoed.code, echoed.message);
}

async function* responsesTo(request: StreamingOutputCallRequest, ctx: ServerCallContext) {
  for (const parameters of request.responseParameters) {
    await waitInterval(parameters);
    // CompressedResponse, per message: the grpc-encoding header is sent once, with the first.
    ctx.setCompression(parameters.compressed?.value === true ? "gzip" : "identity");
    yield { payload: payloadOf(parameters.size) };
  }
}

/** The TestService handlers (UnimplementedCall is left out, so it answers UNIMPLEMENTED). */
export const testServiceImpl: ServiceImpl<TestServiceDefinition> = {
  emptyCall(_request, ctx) {
    echoMetadata(ctx);
    return {};
  },
  unaryCall(request, ctx) {
    echoMetadata(ctx);
    checkCompression(ctx, request.expectCompressed, 0);
    throwEchoedStatus(request.responseStatus);
    if (request.responseCompressed?.value === true) ctx.setCompression("gzip");
    return { payload: payloadOf(request.responseSize) };
  },
  cacheableUnaryCall(_request, ctx) {
    // CacheableUnaryCall: a payload that differs per call, cacheable by a proxy for 60 s.
    ctx.header.set("cache-control", "max-age=60");
    return { payload: { body: new TextEncoder().encode(String(process.hrtime.bigint())) } };
  },
  async *streamingOutputCall(request, ctx) {
    echoMetadata(ctx);
    throwEchoedStatus(request.responseStatus);
    yield* responsesTo(request, ctx);
  },
  async streamingInputCall(requests, ctx) {
    echoMetadata(ctx);
    let aggregatedPayloadSize = 0;
    let index = 0;
    for await (const request of requests) {
      checkCompression(ctx, request.expectCompressed, index++);
      aggregatedPayloadSize += request.payload?.body.length ?? 0;
    }
    return { aggregatedPayloadSize };
  },
  async *fullDuplexCall(requests, ctx) {
    echoMetadata(ctx);
    for await (const request of requests) {
      throwEchoedStatus(request.responseStatus);
      yield* responsesTo(request, ctx);
    }
  },
  async *halfDuplexCall(requests, ctx) {
    echoMetadata(ctx);
    const buffered: StreamingOutputCallRequest[] = [];
    for await (const request of requests) buffered.push(request);
    for (const request of buffered) yield* responsesTo(request, ctx);
  },
};
