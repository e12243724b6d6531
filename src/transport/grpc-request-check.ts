import http2 from "node:http2";
import { GrpcError } from "../grpc-error.js";
import type { OutgoingHeaderValues, RawHeaderList } from "../metadata.js";
import { Status } from "../status.js";
import { GRPC_CONTENT_TYPE, isGrpcContentType } from "./grpc-headers.js";
import { Http2ServerStream } from "./http2-server-stream.js";
import type { Http2StreamSettings } from "./http2-stream-settings.js";
import { resetAfterStatus } from "./reset-after-status.js";
import { errorTrailers } from "./status-trailers.js";
import { parseTimeoutHeader } from "./timeout-header.js";

/** The request header limit a listener enforces, beside the settings every gRPC stream shares. */
export interface GrpcStreamLimits extends Http2StreamSettings {
  readonly maxHeaderListBytes: number;
}

/**
 * Judges a gRPC request from its HTTP/2 headers, in grpc-go's order (http2_server.go
 * operateHeaders): 431 for a header list over the limit, 415 for a non-gRPC content-type, 405 for
 * a method other than POST, 400 for a malformed grpc-timeout, each answered here with its status
 * (the stream is then done and undefined is returned); otherwise the call's ServerCallStream. What
 * only the server knows (the method, the encodings it decodes) the pipeline judges.
 */
export function acceptGrpcStream(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  rawHeaders: RawHeaderList,
  limits: GrpcStreamLimits,
): Http2ServerStream | undefined {
  const headerListBytes = measureHeaderList(rawHeaders);
  if (headerListBytes > limits.maxHeaderListBytes) {
    // nghttp2 advertises SETTINGS_MAX_HEADER_LIST_SIZE but does not enforce it; we do, with a
    // status the client can show (431 as HTTP says, RESOURCE_EXHAUSTED as the gRPC status).
    const error = new GrpcError(
      Status.RESOURCE_EXHAUSTED,
      `request header list of ${headerListBytes} bytes exceeds the limit of ${limits.maxHeaderListBytes} bytes`,
    );
    rejectStream(stream, 431, error);
    return undefined;
  }
  const contentType = headers["content-type"];
  if (!isGrpcContentType(contentType)) {
    // PROTOCOL-HTTP2: "respond with HTTP status 415"; grpc-go adds INVALID_ARGUMENT.
    rejectStream(stream, 415, new GrpcError(Status.INVALID_ARGUMENT, `invalid gRPC request content-type ${JSON.stringify(contentType ?? "")}`));
    return undefined;
  }
  const method = headers[":method"];
  if (method !== "POST") {
    const error = new GrpcError(Status.INTERNAL, `received a HEADERS frame with :method ${JSON.stringify(method)} which should be POST`);
    rejectStream(stream, 405, error, { allow: "POST" });
    return undefined;
  }
  let timeoutMs: number | undefined;
  try {
    timeoutMs = parseTimeoutHeader(headerText(headers["grpc-timeout"]));
  } catch (error) {
    rejectStream(stream, 400, GrpcError.from(error, Status.INTERNAL));
    return undefined;
  }
  // PROTOCOL-HTTP2: "application/grpc+json" carries JSON messages.
  const codec = contentType !== undefined && contentType.startsWith("application/grpc+json") ? "json" : "proto";
  return new Http2ServerStream(stream, headers, rawHeaders, codec, timeoutMs, limits);
}

/**
 * Answers a stream with one HEADERS frame carrying `httpStatus` and the gRPC status (grpc-go's
 * earlyAbortStream), then resets it with NO_ERROR if the client is still sending.
 */
export function rejectStream(
  stream: http2.ServerHttp2Stream,
  httpStatus: number,
  error: GrpcError,
  extraHeaders?: OutgoingHeaderValues,
): void {
  stream.on("error", ignoreError);
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  const headers: OutgoingHeaderValues = { ":status": httpStatus, "content-type": GRPC_CONTENT_TYPE, ...extraHeaders };
  Object.assign(headers, errorTrailers(error));
  try {
    stream.respond(headers, { endStream: true });
  } catch {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  if (!stream.readableEnded) {
    stream.resume(); // discard what the client still sends until the reset reaches it
    resetAfterStatus(stream, http2.constants.NGHTTP2_NO_ERROR);
  }
}

/** The header list size as SETTINGS_MAX_HEADER_LIST_SIZE counts it: name + value + 32 per field (RFC 9113 §6.5.2). */
function measureHeaderList(rawHeaders: RawHeaderList): number {
  let bytes = 0;
  for (let i = 0; i < rawHeaders.length; i++) bytes += (rawHeaders[i] as string).length;
  return bytes + 16 * rawHeaders.length;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

function ignoreError(): void {
  // The stream is being answered and closed; a reset from the client changes nothing.
}
