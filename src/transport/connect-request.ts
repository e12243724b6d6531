import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { HttpExchange } from "./http-exchange.js";
import type { MessageCodecName } from "./server-call-stream.js";

// Reading a Connect request's head (connectrpc.com/docs/protocol): its content-type or GET query,
// connect-timeout-ms and connect-protocol-version. Malformed values are INVALID_ARGUMENT, which
// the stream then answers in Connect's own form.

/** Request headers the Connect protocol owns: never passed on as call metadata. */
export const CONNECT_PROTOCOL_HEADERS: ReadonlySet<string> = new Set([
  "connect-protocol-version",
  "connect-timeout-ms",
  "connect-content-encoding",
  "connect-accept-encoding",
  "content-encoding",
  "accept-encoding",
  "date",
  "trailer",
]);

/** What a Connect content-type says: unary or streaming framing, and the message codec. */
export interface ConnectContentType {
  readonly isStreaming: boolean;
  readonly codec: MessageCodecName;
}

// application/proto, application/json, application/connect+proto, application/connect+json;
// JSON may name its charset, which must be UTF-8 (connect-es content-type.ts accepts the same).
const CONTENT_TYPE_PATTERN = /^application\/(connect\+)?(?:(json)(?:;\s*charset="?utf-?8"?)?|(proto))$/i;

/** Parses a Connect POST content-type, or returns undefined for any other. */
export function parseConnectContentType(contentType: string | undefined): ConnectContentType | undefined {
  const match = CONTENT_TYPE_PATTERN.exec((contentType ?? "").trim());
  if (match === null) return undefined;
  return { isStreaming: match[1] !== undefined, codec: match[2] !== undefined ? "json" : "proto" };
}

// connectrpc.com/docs/protocol: Timeout-Milliseconds → {positive integer as ASCII string of at most 10 digits}.
const TIMEOUT_PATTERN = /^\d{1,10}$/;

/** Parses connect-timeout-ms; undefined when absent; throws INVALID_ARGUMENT when malformed. */
export function parseConnectTimeout(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (!TIMEOUT_PATTERN.test(header)) throw new GrpcError(Status.INVALID_ARGUMENT, `malformed connect-timeout-ms ${JSON.stringify(header)}: expected up to 10 digits`);
  return Number(header);
}

/** Checks connect-protocol-version (or the GET query's connect=v1) when sent; throws INVALID_ARGUMENT for another version. */
export function checkConnectVersion(exchange: HttpExchange, query: URLSearchParams | undefined): void {
  const header = exchange.header("connect-protocol-version");
  if (header !== undefined && header !== "1") {
    throw new GrpcError(Status.INVALID_ARGUMENT, `connect-protocol-version must be "1", got ${JSON.stringify(header)}`);
  }
  const param = query?.get("connect");
  if (param !== undefined && param !== null && param !== "v1") {
    throw new GrpcError(Status.INVALID_ARGUMENT, `query parameter connect must be "v1", got ${JSON.stringify(param)}`);
  }
}

/** A Connect unary GET request read from its query (connectrpc.com/docs/protocol#unary-get-request). */
export interface ConnectGetRequest {
  readonly codec: MessageCodecName;
  readonly message: Uint8Array;
  /** The query's compression, or undefined for identity. */
  readonly encoding: string | undefined;
}

const BASE64_PATTERN = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Reads encoding, message, base64 and compression from a GET query. Returns undefined when the
 * encoding is missing or unknown (415); throws INVALID_ARGUMENT for a message that is not base64
 * and RESOURCE_EXHAUSTED for one over `maxBytes`.
 */
export function parseConnectGet(query: URLSearchParams, maxBytes: number): ConnectGetRequest | undefined {
  const encoding = query.get("encoding");
  if (encoding !== "proto" && encoding !== "json") return undefined;
  const text = query.get("message") ?? "";
  let message: Uint8Array;
  if (query.get("base64") === "1") {
    if (!BASE64_PATTERN.test(text)) throw new GrpcError(Status.INVALID_ARGUMENT, "query parameter message is not base64");
    message = Buffer.from(text, "base64url");
  } else {
    message = Buffer.from(text, "utf8");
  }
  if (message.length > maxBytes) throw new GrpcError(Status.RESOURCE_EXHAUSTED, `request message of ${message.length} bytes is larger than the limit of ${maxBytes} bytes`);
  const compression = query.get("compression");
  return { codec: encoding, message, encoding: compression === null || compression === "identity" || compression === "" ? undefined : compression };
}

/** The query of a request target, or undefined when it has none. */
export function queryOf(url: string): URLSearchParams | undefined {
  const mark = url.indexOf("?");
  return mark === -1 ? undefined : new URLSearchParams(url.slice(mark + 1));
}

/** The path of a request target without its query. */
export function pathOf(url: string): string {
  const mark = url.indexOf("?");
  return mark === -1 ? url : url.slice(0, mark);
}
