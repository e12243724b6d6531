import type { GrpcError } from "../grpc-error.js";
import { encodeBinaryValue, Metadata, type OutgoingHeaderValues } from "../metadata.js";
import { Status } from "../status.js";

// The Connect protocol's errors (connectrpc.com/docs/protocol, "Error Codes" and "Error
// End-Stream"): a JSON object {code, message, details} with the code as a snake_case name, sent
// as a unary response's body under an HTTP status of its own, or inside a stream's end message.

// connectrpc.com/docs/protocol#error-codes: the HTTP status a unary error is sent with.
const HTTP_STATUS_OF_CODE: Readonly<Record<number, number>> = {
  [Status.CANCELLED]: 499,
  [Status.UNKNOWN]: 500,
  [Status.INVALID_ARGUMENT]: 400,
  [Status.DEADLINE_EXCEEDED]: 504,
  [Status.NOT_FOUND]: 404,
  [Status.ALREADY_EXISTS]: 409,
  [Status.PERMISSION_DENIED]: 403,
  [Status.RESOURCE_EXHAUSTED]: 429,
  [Status.FAILED_PRECONDITION]: 400,
  [Status.ABORTED]: 409,
  [Status.OUT_OF_RANGE]: 400,
  [Status.UNIMPLEMENTED]: 501,
  [Status.INTERNAL]: 500,
  [Status.UNAVAILABLE]: 503,
  [Status.DATA_LOSS]: 500,
  [Status.UNAUTHENTICATED]: 401,
};

/** The HTTP status of a Connect unary error response with `code`. */
export function httpStatusOfCode(code: Status): number {
  return HTTP_STATUS_OF_CODE[code] ?? 500;
}

/** A status as Connect names it: "not_found"; CANCELLED is "canceled", with one l. */
export function connectCodeName(code: Status): string {
  if (code === Status.CANCELLED) return "canceled";
  return (Status[code] ?? "UNKNOWN").toLowerCase();
}

/** One error detail as Connect writes it: the Any's type name, and its bytes in unpadded base64. */
interface ConnectErrorDetail {
  readonly type: string;
  readonly value: string;
}

/** The Connect error JSON of `error`: {"code", "message" (when there is one), "details" (when there are some)}. */
export function connectErrorJson(error: GrpcError): { code: string; message?: string; details?: ConnectErrorDetail[] } {
  const json: { code: string; message?: string; details?: ConnectErrorDetail[] } = { code: connectCodeName(error.code) };
  if (error.details !== "") json.message = error.details;
  const details = error.statusDetails;
  if (details.length > 0) {
    // The type is the Any's type URL without its host part: "type.googleapis.com/google.rpc.ErrorInfo" → "google.rpc.ErrorInfo".
    json.details = details.map((detail) => ({ type: detail.typeUrl.slice(detail.typeUrl.lastIndexOf("/") + 1), value: encodeBinaryValue(detail.value) }));
  }
  return json;
}

/** The body of a Connect unary error: its JSON, UTF-8. */
export function encodeConnectError(error: GrpcError): Buffer {
  return Buffer.from(JSON.stringify(connectErrorJson(error)), "utf8");
}

/**
 * The payload of a Connect stream's end message: {"error"?: ..., "metadata"?: {name: [values]}},
 * with the trailers (and the error's own metadata) under "metadata", "-bin" values in base64.
 */
export function encodeEndStream(error: GrpcError | undefined, trailers: Metadata | undefined): Buffer {
  const json: { error?: ReturnType<typeof connectErrorJson>; metadata?: Record<string, string[]> } = {};
  if (error !== undefined) json.error = connectErrorJson(error);
  const all = trailers === undefined ? error?.metadata : error === undefined ? trailers : trailers.clone().merge(error.metadata);
  if (all !== undefined && all.size > 0) json.metadata = metadataJson(all);
  return Buffer.from(JSON.stringify(json), "utf8");
}

function metadataJson(metadata: Metadata): Record<string, string[]> {
  const headers: OutgoingHeaderValues = {};
  metadata.writeHeaders(headers);
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value : [String(value)];
  return out;
}

/** Writes trailers as Connect unary response headers: each name prefixed with "trailer-". */
export function writeUnaryTrailers(trailers: Metadata, target: OutgoingHeaderValues): void {
  const headers: OutgoingHeaderValues = {};
  trailers.writeHeaders(headers);
  for (const [name, value] of Object.entries(headers)) target[`trailer-${name}`] = value;
}

/** A new Metadata holding every value of `parts`, in order. */
export function mergedMetadata(...parts: (Metadata | undefined)[]): Metadata {
  const out = new Metadata();
  for (const part of parts) if (part !== undefined) out.merge(part);
  return out;
}
