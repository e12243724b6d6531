import http2 from "node:http2";
import { GrpcError } from "../grpc-error.js";
import type { OutgoingHeaderValues } from "../metadata.js";
import { Status } from "../status.js";
import { ACCEPT_ENCODING_HEADER, compressionFor, type Compression } from "../codec/compression.js";
import { GRPC_CONTENT_TYPE, isGrpcContentType } from "../transport/grpc-headers.js";
import { errorTrailers } from "../transport/status-trailers.js";
import { parseTimeoutHeader } from "../transport/timeout-header.js";
import type { Route, Router } from "./router.js";
import { resetAfterStatus } from "./reset-after-status.js";

/** What the request headers say about a call the server will run. */
export interface AcceptedRequest {
  readonly route: Route;
  readonly compression: Compression | undefined;
  /** The client's grpc-timeout in ms, or undefined. */
  readonly timeoutMs: number | undefined;
}

/**
 * Judges a request from its headers, in grpc-go's order (http2_server.go operateHeaders, then
 * server.go handleStream). Returns the route to run, or answers the stream itself and returns
 * undefined: 431 for a header list over the limit, 415 for a non-gRPC content-type, 405 for a method other than POST, 400 for a
 * malformed grpc-timeout, Trailers-Only UNIMPLEMENTED for an unknown path or grpc-encoding.
 */
export function checkRequest(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  rawHeaders: readonly string[],
  router: Router,
  maxHeaderListBytes: number,
): AcceptedRequest | undefined {
  const headerListBytes = measureHeaderList(rawHeaders);
  if (headerListBytes > maxHeaderListBytes) {
    // nghttp2 advertises SETTINGS_MAX_HEADER_LIST_SIZE but does not enforce it; we do, with a
    // status the client can show (431 as HTTP says, RESOURCE_EXHAUSTED as the gRPC status).
    const error = new GrpcError(
      Status.RESOURCE_EXHAUSTED,
      `request header list of ${headerListBytes} bytes exceeds the limit of ${maxHeaderListBytes} bytes`,
    );
    rejectStream(stream, 431, error);
    return undefined;
  }
  const contentType = headers["content-type"];
  if (!isGrpcContentType(contentType)) {
    // PROTOCOL-HTTP2: "respond with HTTP status 415"; grpc-go adds INVALID_ARGUMENT.
    const error = new GrpcError(Status.INVALID_ARGUMENT, `invalid gRPC request content-type ${JSON.stringify(contentType ?? "")}`);
    rejectStream(stream, 415, error);
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
  let route: Route;
  try {
    route = router.find(headers[":path"] ?? "");
  } catch (error) {
    rejectStream(stream, 200, GrpcError.from(error, Status.UNIMPLEMENTED));
    return undefined;
  }
  let compression: Compression | undefined;
  try {
    compression = compressionFor(headerText(headers["grpc-encoding"]));
  } catch (error) {
    // doc/compression.md: UNIMPLEMENTED, with grpc-accept-encoding listing what the server supports.
    rejectStream(stream, 200, GrpcError.from(error, Status.UNIMPLEMENTED), { "grpc-accept-encoding": ACCEPT_ENCODING_HEADER });
    return undefined;
  }
  return { route, compression, timeoutMs };
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
  stream.respond(headers, { endStream: true });
  if (!stream.readableEnded) {
    stream.resume(); // discard what the client still sends until the reset reaches it
    resetAfterStatus(stream, http2.constants.NGHTTP2_NO_ERROR);
  }
}

/** The header list size as SETTINGS_MAX_HEADER_LIST_SIZE counts it: name + value + 32 per field (RFC 9113 §6.5.2). */
function measureHeaderList(rawHeaders: readonly string[]): number {
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
