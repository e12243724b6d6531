import type { Metadata, OutgoingHeaderValues } from "../metadata.js";
import { VERSION } from "../version.js";
import { PREVIOUS_ATTEMPTS_HEADER } from "./retry-pushback.js";
import { formatTimeoutHeader } from "./timeout-header.js";

/** The content-type of every gRPC request and response (PROTOCOL-HTTP2: "application/grpc" [("+proto" / "+json" / {custom})]). */
export const GRPC_CONTENT_TYPE = "application/grpc";

/** The user-agent h2grpc sends, "h2grpc/<version>"; a user-agent in call metadata is put in front of it, as grpc-go does. */
export const USER_AGENT = `h2grpc/${VERSION}`;

/** Returns true for "application/grpc", "application/grpc+proto", "application/grpc;charset=..." and the like. */
export function isGrpcContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || !contentType.startsWith(GRPC_CONTENT_TYPE)) return false;
  if (contentType.length === GRPC_CONTENT_TYPE.length) return true;
  const next = contentType.charCodeAt(GRPC_CONTENT_TYPE.length);
  return next === 43 /* "+" */ || next === 59 /* ";" */;
}

/** What a request's HEADERS frame carries besides user metadata. */
export interface RequestHeaderFields {
  /** "/pkg.Service/Method" */
  readonly path: string;
  /** host:port the call is for; becomes :authority. */
  readonly authority: string;
  readonly scheme: "http" | "https";
  /** Remaining time until the deadline, in ms; becomes grpc-timeout. */
  readonly timeoutMs?: number | undefined;
  /** The request's grpc-encoding, when messages are compressed. */
  readonly encoding?: string | undefined;
  /** The grpc-accept-encoding value to advertise. */
  readonly acceptEncoding: string;
  readonly metadata?: Metadata | undefined;
  /** gRFC A6: the attempts of this call that came before; sent as grpc-previous-rpc-attempts when above 0. */
  readonly previousAttempts?: number | undefined;
}

/**
 * Builds request headers in the order PROTOCOL-HTTP2 gives (reserved headers first, then custom
 * metadata). A user-agent set in metadata is put in front of h2grpc's own.
 */
export function buildRequestHeaders(fields: RequestHeaderFields): OutgoingHeaderValues {
  const headers: OutgoingHeaderValues = {
    ":method": "POST",
    ":scheme": fields.scheme,
    ":path": fields.path,
    ":authority": fields.authority,
    "content-type": GRPC_CONTENT_TYPE,
    te: "trailers",
  };
  if (fields.timeoutMs !== undefined) headers["grpc-timeout"] = formatTimeoutHeader(fields.timeoutMs);
  if (fields.encoding !== undefined) headers["grpc-encoding"] = fields.encoding;
  headers["grpc-accept-encoding"] = fields.acceptEncoding;
  if (fields.previousAttempts !== undefined && fields.previousAttempts > 0) headers[PREVIOUS_ATTEMPTS_HEADER] = String(fields.previousAttempts);
  // User-Agent ends the Call-Definition, before Custom-Metadata. Metadata may overwrite the
  // placeholder; reassigning a key keeps its place in the object, and so on the wire.
  headers["user-agent"] = USER_AGENT;
  if (fields.metadata === undefined) return headers;
  fields.metadata.writeHeaders(headers);
  const custom = headers["user-agent"];
  if (custom !== USER_AGENT) headers["user-agent"] = `${String(custom)} ${USER_AGENT}`;
  return headers;
}
