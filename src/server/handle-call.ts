import type http2 from "node:http2";
import { decodeMessage } from "../codec/message-codec.js";
import type { Frame } from "../framing/frame.js";
import { GrpcError } from "../grpc-error.js";
import type { AnyMethodDefinition } from "../definition.js";
import type { Compression } from "../codec/compression.js";
import { Status } from "../status.js";
import { noRequest, readSingleRequest, tooManyRequests } from "./adapt-handler.js";
import { checkRequest } from "./check-request.js";
import { openRequestQueue } from "./request-queue.js";
import type { Router } from "./router.js";
import { sendResponses, sendSingleResponse } from "./send-responses.js";
import { callOf, ServerCall, type CallConfig, type CallStream } from "./server-call.js";
import type {
  BidiStreamingHandler,
  ClientStreamingHandler,
  ServerStreamingHandler,
  UnaryHandler,
} from "./service-impl.js";

/** Server-wide settings of the stream handler. */
export interface HandlerConfig extends CallConfig {
  /** Caps every call's deadline (ms), as tonic does; undefined for none. */
  readonly maxCallMs: number | undefined;
  readonly maxHeaderListBytes: number;
}

/** Returns the 'stream' listener that judges each request and runs its call. */
export function createStreamHandler(
  router: Router,
  config: HandlerConfig,
): (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number, rawHeaders: string[]) => void {
  return (stream, headers, _flags, rawHeaders) => {
    const accepted = checkRequest(stream, headers, rawHeaders, router, config.maxHeaderListBytes);
    if (accepted === undefined) return;
    const { route, compression, timeoutMs } = accepted;
    const now = timeoutMs === undefined && config.maxCallMs === undefined ? 0 : Date.now();
    let deadline = timeoutMs === undefined ? undefined : now + timeoutMs;
    if (config.maxCallMs !== undefined) deadline = Math.min(deadline ?? Infinity, now + config.maxCallMs);
    if (route.invoke !== undefined) {
      const call = new ServerCall(stream, headers, rawHeaders, route.method, deadline, compression, config);
      const requests = openRequestQueue(call);
      try {
        void sendResponses(call, route.invoke({ method: route.method, metadata: call.metadata, context: call, requests }));
      } catch (error) {
        call.fail(error); // an interceptor that throws before returning its iterable
      }
      return;
    }
    if (route.method.kind === "unary") {
      startUnary(new UnaryCall(stream, headers, rawHeaders, route.method, deadline, compression, config, route.handler as UnaryHandler<unknown, unknown>));
      return;
    }
    const call = new ServerCall(stream, headers, rawHeaders, route.method, deadline, compression, config);
    const requests = openRequestQueue(call);
    try {
      switch (route.method.kind) {
        case "server_streaming": {
          void runServerStreaming(call, route.handler as ServerStreamingHandler<unknown, unknown>, requests);
          break;
        }
        case "client_streaming": {
          void sendSingleResponse(call, (route.handler as ClientStreamingHandler<unknown, unknown>)(requests, call));
          break;
        }
        case "bidi_streaming": {
          void sendResponses(call, (route.handler as BidiStreamingHandler<unknown, unknown>)(requests, call));
          break;
        }
      }
    } catch (error) {
      call.fail(error); // a handler that throws before returning its promise or iterable
    }
  };
}

async function runServerStreaming(
  call: ServerCall,
  handler: ServerStreamingHandler<unknown, unknown>,
  requests: AsyncIterable<unknown>,
): Promise<void> {
  let request: unknown;
  try {
    request = await readSingleRequest(requests);
  } catch (error) {
    call.fail(error, false);
    return;
  }
  if (call.isFinished) return;
  let responses: AsyncIterable<unknown> | Iterable<unknown>;
  try {
    responses = handler(request, call);
  } catch (error) {
    call.fail(error);
    return;
  }
  await sendResponses(call, responses);
}

/**
 * The unary fast path: frames are collected from 'data' events into the FrameDecoder, and on
 * 'end' exactly one message is decoded and handed to the handler. No request iterable, no
 * generator, no closure per call besides the deadline timer.
 */
class UnaryCall extends ServerCall {
  readonly handler: UnaryHandler<unknown, unknown>;
  frame: Frame | undefined;

  constructor(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    rawHeaders: readonly string[],
    method: AnyMethodDefinition,
    deadline: number | undefined,
    compression: Compression | undefined,
    config: CallConfig,
    handler: UnaryHandler<unknown, unknown>,
  ) {
    super(stream, headers, rawHeaders, method, deadline, compression, config);
    this.handler = handler;
  }
}

function startUnary(call: UnaryCall): void {
  call.stream.on("data", onUnaryData);
  call.stream.on("end", onUnaryEnd);
}

function onUnaryData(this: CallStream, chunk: Buffer): void {
  const call = unaryCallOf(this);
  if (call === undefined || call.isFinished) return;
  try {
    for (const frame of call.decoder.push(chunk)) {
      if (call.frame !== undefined) throw tooManyRequests();
      call.frame = frame;
    }
  } catch (error) {
    call.fail(error, false);
  }
}

function onUnaryEnd(this: CallStream): void {
  const call = unaryCallOf(this);
  if (call === undefined || call.isFinished || this.aborted) return;
  let request: unknown;
  try {
    call.decoder.finish();
    if (call.frame === undefined) throw noRequest();
    request = decodeMessage(call.method.requestSerializer, call.frame, call.requestCompression, call.config.maxReceiveMessageBytes);
    call.frame = undefined;
  } catch (error) {
    call.fail(GrpcError.from(error, Status.INTERNAL), false);
    return;
  }
  if (request instanceof Promise) request.then((value) => runUnary(call, value), (error: unknown) => call.fail(error, false));
  else runUnary(call, request);
}

function runUnary(call: UnaryCall, request: unknown): void {
  let response: unknown;
  try {
    response = call.handler(request, call);
  } catch (error) {
    call.fail(error);
    return;
  }
  void sendSingleResponse(call, response);
}

function unaryCallOf(stream: CallStream): UnaryCall | undefined {
  return callOf(stream) as UnaryCall | undefined;
}
