import type { IdempotencyLevel, MethodKind } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { CONNECT_PROTOCOL_HEADERS, checkConnectVersion, parseConnectContentType, parseConnectGet, parseConnectTimeout, pathOf, queryOf } from "./connect-request.js";
import { ConnectStreamingCallStream, ConnectUnaryCallStream } from "./connect-streams.js";
import type { CorsPolicy } from "./cors.js";
import { isGrpcContentType } from "./grpc-headers.js";
import { GrpcWebCallStream } from "./grpc-web-stream.js";
import type { CallHead, HttpCallStream } from "./http-call-stream.js";
import { mediaTypeOf, type HttpExchange } from "./http-exchange.js";
import { answerPlainText, servePlainHttp, type PlainHttpHandler } from "./plain-http.js";
import type { ServerCallStream } from "./server-call-stream.js";
import { parseTimeoutHeader } from "./timeout-header.js";

// Which protocol answers a request, from its method and content-type: gRPC (HTTP/2 only, run by
// the caller), gRPC-Web, Connect (POST, or GET for side-effect-free methods), a CORS preflight, or
// a plain HTTP request for the server's httpHandler. Unknown content-types keep gRPC's 415.

/** What the dispatcher needs to know of a method, by path. */
export interface MethodFacts {
  readonly kind: MethodKind;
  readonly idempotency?: IdempotencyLevel | undefined;
}

/** How the listener answers requests that are not gRPC over HTTP/2. */
export interface DispatchConfig {
  /** Runs a call that arrived on any protocol. */
  readonly onCall: (stream: ServerCallStream) => void;
  /** The method registered at a path, or undefined (the call pipeline then answers UNIMPLEMENTED). */
  readonly lookupMethod: (path: string) => MethodFacts | undefined;
  readonly maxReceiveMessageBytes: number;
  /** The encodings the server decodes, advertised in gRPC-Web responses. */
  readonly acceptEncoding: string;
  readonly cors: CorsPolicy | undefined;
  readonly httpHandler: PlainHttpHandler | undefined;
  /** Every browser-protocol call started, so that shutdown can end the ones still running. */
  readonly onStreamStarted: (stream: HttpCallStream) => void;
}

// PROTOCOL-WEB: application/grpc-web, application/grpc-web-text, each with +proto or +json.
const GRPC_WEB_PATTERN = /^application\/grpc-web(-text)?(?:\+(proto|json))?$/;
// Request headers gRPC-Web owns besides gRPC's own grpc-* headers.
const GRPC_WEB_PROTOCOL_HEADERS: ReadonlySet<string> = new Set(["x-grpc-web", "accept-encoding", "content-encoding", "date", "trailer"]);

/**
 * Answers `exchange` unless it is a gRPC request, for which it returns true (the caller runs it
 * over HTTP/2, or refuses it over HTTP/1.1). Never throws.
 */
export function dispatchExchange(exchange: HttpExchange, config: DispatchConfig): boolean {
  const method = exchange.method;
  if (method === "OPTIONS" && exchange.header("access-control-request-method") !== undefined && config.cors !== undefined) {
    config.cors.answerPreflight(exchange);
    return false;
  }
  const cors = config.cors?.responseHeaders(exchange.header("origin"));
  if (cors !== undefined) exchange.addResponseHeaders(cors);
  const mediaType = mediaTypeOf(exchange);
  if (isGrpcContentType(mediaType)) {
    if (exchange.httpVersion === "2") return true;
    // grpc-go's ServeHTTP says the same: gRPC needs HTTP/2's trailers.
    answerPlainText(exchange, 505, "gRPC requires HTTP/2; browsers can use gRPC-Web or Connect on this port");
    return false;
  }
  const grpcWeb = GRPC_WEB_PATTERN.exec(mediaType);
  if (grpcWeb !== null || mediaType.startsWith("application/grpc-web")) {
    if (grpcWeb === null || method !== "POST") return refuse(exchange, config, method);
    startGrpcWeb(exchange, config, grpcWeb[1] !== undefined, grpcWeb[2] === "json" ? "json" : "proto");
    return false;
  }
  const connect = method === "POST" ? parseConnectContentType(exchange.header("content-type")) : undefined;
  if (connect !== undefined) {
    startConnectPost(exchange, config, connect.isStreaming, connect.codec);
    return false;
  }
  const query = method === "GET" ? queryOf(exchange.url) : undefined;
  if (query?.has("encoding") === true && query.has("message")) {
    startConnectGet(exchange, config, query);
    return false;
  }
  return refuse(exchange, config, method);
}

// Not an RPC: the httpHandler's for GET and HEAD; otherwise gRPC's answer (415 over HTTP/2 from the
// gRPC path, which also judges a method other than POST), or its HTTP/1.1 equivalent.
function refuse(exchange: HttpExchange, config: DispatchConfig, method: string): boolean {
  if ((method === "GET" || method === "HEAD") && config.httpHandler !== undefined) {
    servePlainHttp(exchange, config.httpHandler);
    return false;
  }
  if (exchange.httpVersion === "2") return true;
  if (method !== "POST") answerPlainText(exchange, 405, `method ${method} is not allowed: calls are POST (or GET for Connect)`, { allow: "POST, GET" });
  else answerPlainText(exchange, 415, `content-type ${JSON.stringify(exchange.header("content-type") ?? "")} is not gRPC, gRPC-Web or Connect`);
  return false;
}

function startGrpcWeb(exchange: HttpExchange, config: DispatchConfig, isText: boolean, codec: "proto" | "json"): void {
  let timeoutMs: number | undefined;
  let failure: GrpcError | undefined;
  try {
    timeoutMs = parseTimeoutHeader(exchange.header("grpc-timeout"));
  } catch (error) {
    failure = GrpcError.from(error, Status.INTERNAL);
  }
  const head = callHead(exchange, config, isText ? "grpc-web-text" : "grpc-web", codec, timeoutMs, exchange.header("grpc-encoding"), exchange.header("grpc-accept-encoding"), GRPC_WEB_PROTOCOL_HEADERS);
  start(new GrpcWebCallStream(exchange, head), config, failure);
}

function startConnectPost(exchange: HttpExchange, config: DispatchConfig, isStreaming: boolean, codec: "proto" | "json"): void {
  const path = pathOf(exchange.url);
  const facts = config.lookupMethod(path);
  // connect-es answers a unary content-type for a streaming method, and the reverse, with 415.
  if (facts !== undefined && (facts.kind === "unary") === isStreaming) {
    answerPlainText(exchange, 415, `${path} is ${facts.kind.replace("_", " ")}: use ${facts.kind === "unary" ? "application/proto or application/json" : "application/connect+proto or application/connect+json"}`);
    return;
  }
  let timeoutMs: number | undefined;
  let failure: GrpcError | undefined;
  try {
    checkConnectVersion(exchange, undefined);
    timeoutMs = parseConnectTimeout(exchange.header("connect-timeout-ms"));
  } catch (error) {
    failure = GrpcError.from(error, Status.INVALID_ARGUMENT);
  }
  if (isStreaming) {
    const head = callHead(exchange, config, "connect", codec, timeoutMs, exchange.header("connect-content-encoding"), exchange.header("connect-accept-encoding"), CONNECT_PROTOCOL_HEADERS);
    start(new ConnectStreamingCallStream(exchange, head), config, failure);
  } else {
    const head = callHead(exchange, config, "connect", codec, timeoutMs, exchange.header("content-encoding"), exchange.header("accept-encoding"), CONNECT_PROTOCOL_HEADERS);
    start(new ConnectUnaryCallStream(exchange, head), config, failure);
  }
}

function startConnectGet(exchange: HttpExchange, config: DispatchConfig, query: URLSearchParams): void {
  const path = pathOf(exchange.url);
  const facts = config.lookupMethod(path);
  if (facts !== undefined && (facts.kind !== "unary" || facts.idempotency !== "NO_SIDE_EFFECTS")) {
    // connectrpc.com/docs/protocol: GET only for methods marked idempotency_level = NO_SIDE_EFFECTS.
    answerPlainText(exchange, 405, `${path} may only be called with POST: GET needs option idempotency_level = NO_SIDE_EFFECTS on the method`, { allow: "POST" });
    return;
  }
  let request: ReturnType<typeof parseConnectGet>;
  let timeoutMs: number | undefined;
  let failure: GrpcError | undefined;
  try {
    request = parseConnectGet(query, config.maxReceiveMessageBytes);
    checkConnectVersion(exchange, query);
    timeoutMs = parseConnectTimeout(exchange.header("connect-timeout-ms"));
  } catch (error) {
    failure = GrpcError.from(error, Status.INVALID_ARGUMENT);
  }
  if (request === undefined && failure === undefined) {
    answerPlainText(exchange, 415, `query parameter encoding must be "proto" or "json", got ${JSON.stringify(query.get("encoding"))}`);
    return;
  }
  const head = callHead(exchange, config, "connect", request?.codec ?? "json", timeoutMs, request?.encoding, exchange.header("accept-encoding"), CONNECT_PROTOCOL_HEADERS);
  start(new ConnectUnaryCallStream(exchange, head, request?.message ?? new Uint8Array(0)), config, failure);
}

function callHead(
  exchange: HttpExchange,
  config: DispatchConfig,
  protocol: CallHead["protocol"],
  codec: CallHead["codec"],
  timeoutMs: number | undefined,
  requestEncoding: string | undefined,
  acceptEncoding: string | undefined,
  protocolHeaders: ReadonlySet<string>,
): CallHead {
  return {
    protocol,
    path: pathOf(exchange.url),
    codec,
    timeoutMs,
    requestEncoding: requestEncoding === undefined || requestEncoding === "identity" || requestEncoding === "" ? undefined : requestEncoding,
    acceptEncoding,
    protocolHeaders,
    serverEncodings: config.acceptEncoding,
    maxReceiveMessageBytes: config.maxReceiveMessageBytes,
  };
}

// A request head the protocol rejects is answered in that protocol's form, never reaching the pipeline.
function start(stream: HttpCallStream, config: DispatchConfig, failure: GrpcError | undefined): void {
  if (failure !== undefined) {
    stream.finish(failure, undefined, undefined);
    return;
  }
  config.onStreamStarted(stream);
  try {
    config.onCall(stream);
  } catch (error) {
    stream.finish(GrpcError.from(error, Status.INTERNAL), undefined, undefined);
  }
}
