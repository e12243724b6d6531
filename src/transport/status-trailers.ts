import { GrpcError } from "../grpc-error.js";
import { encodeBinaryValue, Metadata, type OutgoingHeaderValues, type RawHeaders } from "../metadata.js";
import { encodeRpcStatus } from "../rpc-status.js";
import { isStatus, Status } from "../status.js";
import { statusFromHttpStatus } from "./error-mapping.js";
import { GRPC_CONTENT_TYPE, isGrpcContentType } from "./grpc-headers.js";
import { decodeGrpcMessage, encodeGrpcMessage } from "./percent-encoding.js";

const STATUS_DETAILS_HEADER = "grpc-status-details-bin";
const OK_TRAILERS: Readonly<OutgoingHeaderValues> = Object.freeze({ "grpc-status": "0" });

/** The trailers that end a call with OK, plus user trailers. */
export function okTrailers(trailers?: Metadata): Readonly<OutgoingHeaderValues> {
  // Shared when there are no user trailers: node:http2 copies the object it is given.
  if (trailers === undefined || trailers.size === 0) return OK_TRAILERS;
  const out: OutgoingHeaderValues = { "grpc-status": "0" };
  trailers?.writeHeaders(out);
  return out;
}

/**
 * The trailers that end a call with `error`: grpc-status, percent-encoded grpc-message,
 * grpc-status-details-bin (a google.rpc.Status) when the error has details, and its metadata.
 */
export function errorTrailers(error: GrpcError, trailers?: Metadata): OutgoingHeaderValues {
  const out: OutgoingHeaderValues = {};
  trailers?.writeHeaders(out);
  error.metadata.writeHeaders(out);
  out["grpc-status"] = String(error.code);
  if (error.details !== "") out["grpc-message"] = encodeGrpcMessage(error.details);
  const raw =
    error.rawStatusDetails ??
    (error.statusDetails.length > 0
      ? encodeRpcStatus({ code: error.code, message: error.details, details: error.statusDetails })
      : undefined);
  if (raw !== undefined) out[STATUS_DETAILS_HEADER] = encodeBinaryValue(raw);
  return out;
}

/**
 * A Trailers-Only response (PROTOCOL-HTTP2): one HEADERS frame with :status 200, content-type
 * and the status, sent with END_STREAM when a call fails before any message.
 */
export function trailersOnlyResponse(error: GrpcError, trailers?: Metadata, headers?: Metadata): OutgoingHeaderValues {
  const out: OutgoingHeaderValues = { ":status": 200, "content-type": GRPC_CONTENT_TYPE };
  headers?.writeHeaders(out);
  Object.assign(out, errorTrailers(error, trailers));
  return out;
}

/**
 * Reads the status of a finished call from its trailers (or Trailers-Only headers). Returns
 * undefined for OK, or the GrpcError the call ended with: UNKNOWN for a missing grpc-status (as
 * grpc-go, grpc-java and grpc-js report it) or a number outside 0-16, INTERNAL for a malformed one.
 */
export function statusFromTrailers(trailers: RawHeaders): GrpcError | undefined {
  const statusText = trailers["grpc-status"];
  // The common case first: no metadata to build, no pattern to run.
  if (statusText === "0") return undefined;
  const metadata = Metadata.fromHeaders(trailers);
  if (statusText === undefined) {
    return new GrpcError(Status.UNKNOWN, "server closed the stream without sending grpc-status", metadata);
  }
  const code = Number(statusText);
  if (!/^\d+$/.test(String(statusText))) {
    return new GrpcError(Status.INTERNAL, `received malformed grpc-status ${JSON.stringify(statusText)}`, metadata);
  }
  if (code === Status.OK) return undefined;
  const message = trailers["grpc-message"];
  const details = typeof message === "string" ? decodeGrpcMessage(message) : "";
  const rawDetails = trailers[STATUS_DETAILS_HEADER];
  return new GrpcError(isStatus(code) ? code : Status.UNKNOWN, details, metadata, {
    rawStatusDetails: typeof rawDetails === "string" ? new Uint8Array(Buffer.from(rawDetails, "base64")) : undefined,
  });
}

/**
 * Checks response headers before any message is read. Returns a GrpcError for a non-200
 * :status without grpc-status (http-grpc-status-mapping.md) or a content-type that is not gRPC;
 * undefined when the response may carry gRPC messages.
 */
export function errorFromResponseHeaders(headers: RawHeaders): GrpcError | undefined {
  const httpStatus = Number(headers[":status"]);
  if (httpStatus !== 200) {
    if (headers["grpc-status"] !== undefined) return statusFromTrailers(headers);
    return new GrpcError(
      statusFromHttpStatus(httpStatus),
      `received HTTP status ${httpStatus} without grpc-status`,
      Metadata.fromHeaders(headers),
    );
  }
  const contentType = headers["content-type"];
  if (!isGrpcContentType(typeof contentType === "string" ? contentType : undefined)) {
    return new GrpcError(
      Status.UNKNOWN,
      `received non-gRPC content-type ${JSON.stringify(contentType ?? "")}`,
      Metadata.fromHeaders(headers),
    );
  }
  return undefined;
}
