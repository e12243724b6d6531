import http2 from "node:http2";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { describeRstCode, statusFromNodeError, statusFromRstCode } from "./error-mapping.js";
import { describeConnectFailure, describeConnectionClosedEarly } from "./connection-hints.js";

/** What is known about a client stream when it closed. */
export interface StreamCloseFacts {
  /** The stream's 'error', if it had one. */
  readonly streamError: unknown;
  /** True when the whole connection went away (socket closed, keepalive failure, destroy). */
  readonly isConnectionLost: boolean;
  /** True when the server had sent GOAWAY on the stream's connection. */
  readonly hasReceivedGoaway: boolean;
  /** The stream's RST_STREAM code (NO_ERROR when it ended without one). */
  readonly rstCode: number;
  /** False when no response headers arrived: a connection that closed then gets a hint (connection-hints.ts). */
  readonly hasResponseHeaders?: boolean;
  /** Whether the channel uses TLS, for that hint. */
  readonly isTls?: boolean;
  /** The server's address ("127.0.0.1:50051"), for the messages. */
  readonly address?: string;
}

/**
 * The error of a call whose stream closed without trailers (PROTOCOL-HTTP2): a failed connection,
 * or a server going away (GOAWAY, then its streams reset with NO_ERROR or cut), is UNAVAILABLE,
 * which retry policies treat as retryable; an RST_STREAM code maps through the spec's table; and a
 * stream that simply ended is INTERNAL ("server closed the stream without sending trailers", as
 * grpc-go says).
 */
export function errorForStreamClosedWithoutTrailers(facts: StreamCloseFacts): GrpcError {
  const hasOwnReason = facts.streamError !== undefined && facts.streamError !== null && !isConnectionClosed(facts.streamError);
  const closedEarly = facts.hasResponseHeaders === false && !hasOwnReason && (facts.isConnectionLost || isConnectionClosed(facts.streamError));
  if (closedEarly) {
    // Closed before the server answered at all: on a plaintext channel, likely a server that wants TLS.
    return new GrpcError(Status.UNAVAILABLE, describeConnectionClosedEarly(facts.isTls === true, facts.address), undefined, { cause: facts.streamError });
  }
  const connectionError = errorOfConnection(facts);
  if (connectionError !== undefined) return connectionError;
  if (facts.isConnectionLost) {
    // Whatever code Node closed the streams with, the cause is the connection.
    return new GrpcError(Status.UNAVAILABLE, `the connection${to(facts)} closed before the call ended`);
  }
  if (facts.hasReceivedGoaway && facts.rstCode === http2.constants.NGHTTP2_NO_ERROR) {
    return new GrpcError(Status.UNAVAILABLE, `the server${at(facts)} went away (GOAWAY) before the call ended`);
  }
  if (facts.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
    return new GrpcError(statusFromRstCode(facts.rstCode), `stream reset by the server with ${describeRstCode(facts.rstCode)}`);
  }
  return new GrpcError(Status.INTERNAL, "server closed the stream without sending trailers");
}

/**
 * The error of a call whose server sent OK but whose stream closed before every message it sent
 * was read (Node discards what a destroyed stream still buffered): the connection's failure, or
 * the reset's mapped code. Never OK: OK means every message reached the caller.
 */
export function errorForLostResponse(facts: StreamCloseFacts): GrpcError {
  const connectionError = errorOfConnection(facts);
  if (connectionError !== undefined) return connectionError;
  if (facts.isConnectionLost || facts.rstCode === http2.constants.NGHTTP2_NO_ERROR) {
    return new GrpcError(Status.UNAVAILABLE, `the connection${to(facts)} closed before every response message was read`);
  }
  return new GrpcError(
    statusFromRstCode(facts.rstCode),
    `stream reset by the server with ${describeRstCode(facts.rstCode)} before every response message was read`,
  );
}

// The server closed the connection (FIN, seen by ClientConnection, or a TCP reset), as opposed to
// a failure with its own reason (TLS, keepalive, a refused connect).
function isConnectionClosed(streamError: unknown): boolean {
  return (streamError as { code?: unknown } | undefined)?.code === "ECONNRESET";
}

function errorOfConnection(facts: StreamCloseFacts): GrpcError | undefined {
  const streamError = facts.streamError as { code?: unknown; message?: string } | undefined;
  // ERR_HTTP2_STREAM_ERROR only restates the RST_STREAM code, which the callers map.
  if (streamError === undefined || streamError === null || streamError.code === "ERR_HTTP2_STREAM_ERROR") return undefined;
  return new GrpcError(statusFromNodeError(streamError), `connection${to(facts)} failed: ${describeConnectFailure(streamError, facts.isTls === true)}`, undefined, {
    cause: streamError,
  });
}

function to(facts: StreamCloseFacts): string {
  return facts.address === undefined ? "" : ` to ${facts.address}`;
}

function at(facts: StreamCloseFacts): string {
  return facts.address === undefined ? "" : ` at ${facts.address}`;
}
