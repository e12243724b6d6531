import http2 from "node:http2";
import { Status } from "../status.js";

const C = http2.constants;

// doc/http-grpc-status-mapping.md: only for responses that carry no grpc-status; 1xx is INTERNAL
// (those headers should never reach a call), anything unlisted is UNKNOWN.
const HTTP_STATUS_TO_GRPC: ReadonlyMap<number, Status> = new Map([
  [400, Status.INTERNAL],
  [401, Status.UNAUTHENTICATED],
  [403, Status.PERMISSION_DENIED],
  [404, Status.UNIMPLEMENTED],
  [429, Status.UNAVAILABLE],
  [502, Status.UNAVAILABLE],
  [503, Status.UNAVAILABLE],
  [504, Status.UNAVAILABLE],
]);

/** Maps the HTTP status of a response without grpc-status (http-grpc-status-mapping.md). */
export function statusFromHttpStatus(httpStatus: number): Status {
  if (httpStatus >= 100 && httpStatus < 200) return Status.INTERNAL;
  return HTTP_STATUS_TO_GRPC.get(httpStatus) ?? Status.UNKNOWN;
}

// PROTOCOL-HTTP2 §Errors, "HTTP2 Transport Mapping": RST_STREAM error code → status on the client.
const RST_CODE_TO_GRPC: ReadonlyMap<number, Status> = new Map([
  [C.NGHTTP2_NO_ERROR, Status.INTERNAL],
  [C.NGHTTP2_PROTOCOL_ERROR, Status.INTERNAL],
  [C.NGHTTP2_INTERNAL_ERROR, Status.INTERNAL],
  [C.NGHTTP2_FLOW_CONTROL_ERROR, Status.INTERNAL],
  [C.NGHTTP2_SETTINGS_TIMEOUT, Status.INTERNAL],
  [C.NGHTTP2_FRAME_SIZE_ERROR, Status.INTERNAL],
  [C.NGHTTP2_REFUSED_STREAM, Status.UNAVAILABLE], // safe to retry: the server did no work
  [C.NGHTTP2_CANCEL, Status.CANCELLED],
  [C.NGHTTP2_COMPRESSION_ERROR, Status.INTERNAL],
  [C.NGHTTP2_CONNECT_ERROR, Status.INTERNAL],
  [C.NGHTTP2_ENHANCE_YOUR_CALM, Status.RESOURCE_EXHAUSTED], // "too many requests" detail
  [C.NGHTTP2_INADEQUATE_SECURITY, Status.PERMISSION_DENIED],
]);

/** Maps an RST_STREAM error code to the status of the call it ended. */
export function statusFromRstCode(rstCode: number): Status {
  return RST_CODE_TO_GRPC.get(rstCode) ?? Status.INTERNAL;
}

const RST_CODE_NAMES = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
];

/** A readable name for an RST_STREAM or GOAWAY code, for error messages: "CANCEL (8)". */
export function describeRstCode(rstCode: number): string {
  return `${RST_CODE_NAMES[rstCode] ?? "code"} (${rstCode})`;
}

// Connection-level failures: the call never reached a server, or its connection went away.
// PROTOCOL-HTTP2: "a connection that fails" is UNAVAILABLE.
const NODE_ERROR_TO_GRPC: ReadonlyMap<string, Status> = new Map([
  ["ECONNREFUSED", Status.UNAVAILABLE],
  ["ECONNRESET", Status.UNAVAILABLE],
  ["ECONNABORTED", Status.UNAVAILABLE],
  ["EPIPE", Status.UNAVAILABLE],
  ["ETIMEDOUT", Status.UNAVAILABLE],
  ["EHOSTUNREACH", Status.UNAVAILABLE],
  ["ENETUNREACH", Status.UNAVAILABLE],
  ["ENOTFOUND", Status.UNAVAILABLE],
  ["EAI_AGAIN", Status.UNAVAILABLE],
  ["ENOENT", Status.UNAVAILABLE], // a unix: socket path that does not exist
  ["ERR_HTTP2_GOAWAY_SESSION", Status.UNAVAILABLE],
  ["ERR_HTTP2_SESSION_ERROR", Status.UNAVAILABLE],
  ["ERR_HTTP2_INVALID_SESSION", Status.UNAVAILABLE],
  ["ERR_HTTP2_STREAM_CANCEL", Status.CANCELLED],
  ["ERR_HTTP2_PING_CANCEL", Status.UNAVAILABLE],
  ["ERR_TLS_CERT_ALTNAME_INVALID", Status.UNAVAILABLE],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", Status.UNAVAILABLE],
  ["SELF_SIGNED_CERT_IN_CHAIN", Status.UNAVAILABLE],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", Status.UNAVAILABLE],
  ["CERT_HAS_EXPIRED", Status.UNAVAILABLE],
  ["ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", Status.UNAVAILABLE],
  ["ERR_HTTP2_ERROR", Status.INTERNAL],
]);

/** Maps an error raised by node:net, node:tls or node:http2 to a status (UNAVAILABLE when unsure it reached a server). */
export function statusFromNodeError(error: unknown): Status {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    const mapped = NODE_ERROR_TO_GRPC.get(code);
    if (mapped !== undefined) return mapped;
  }
  return Status.UNAVAILABLE;
}
