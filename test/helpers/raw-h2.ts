// Test helper: a raw node:http2 client that sends exactly the headers and bytes a test gives it,
// like grpc-go's servertester, and reports everything the server answered.
import http2 from "node:http2";
import { encodeFrame } from "../../src/framing/frame.js";

/** What the server sent back on one stream. */
export interface RawResponse {
  readonly headers: http2.IncomingHttpHeaders;
  readonly trailers: http2.IncomingHttpHeaders | undefined;
  readonly body: Buffer;
  /** The RST_STREAM code the stream closed with (0 when it ended normally). */
  readonly rstCode: number;
}

/** Request headers of a valid gRPC call to `path`; override any of them. */
export function grpcHeaders(path: string, overrides: http2.OutgoingHttpHeaders = {}): http2.OutgoingHttpHeaders {
  return { ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...overrides };
}

/** One length-prefixed message with a chosen compressed flag byte (0, 1 or an invalid value). */
export function rawFrame(payload: Uint8Array, flag = 0): Buffer {
  const frame = encodeFrame(payload, false);
  frame[0] = flag;
  return frame;
}

/**
 * Sends a PING after each DATA chunk `stream` receives, one in flight at a time, as grpc-go's
 * BDP estimator does; the returned counter holds the response bytes received so far.
 */
export function pingOnEveryData(session: http2.ClientHttp2Session, stream: http2.ClientHttp2Stream): { readonly receivedBytes: number } {
  const counter = { receivedBytes: 0 };
  let pingInFlight = false;
  stream.on("data", (chunk: Buffer) => {
    counter.receivedBytes += chunk.length;
    if (pingInFlight || session.destroyed) return;
    pingInFlight = true;
    session.ping(() => (pingInFlight = false));
  });
  return counter;
}

/** Opens a connection to 127.0.0.1:port; close() it when done. */
export function connectRaw(port: number, options: http2.SecureClientSessionOptions = {}, authority = `http://127.0.0.1:${port}`): http2.ClientHttp2Session {
  const session = http2.connect(authority, options);
  session.on("error", () => {});
  return session;
}

/** Sends one request (headers, then `body` chunks, then END_STREAM unless `end` is false) and collects the response. */
export function sendRaw(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body: readonly Uint8Array[] = [],
  end = true,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const stream = session.request(headers, { endStream: body.length === 0 && end });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (responseHeaders = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", () => {});
    stream.on("close", () => resolve({ headers: responseHeaders, trailers, body: Buffer.concat(chunks), rstCode: stream.rstCode ?? 0 }));
    for (const chunk of body) stream.write(chunk);
    if (body.length > 0 && end) stream.end();
  });
}

/** The grpc-status of a response: from its trailers, or from Trailers-Only headers. */
export function statusOf(response: RawResponse): { code: number; message: string | undefined } {
  const source = response.trailers ?? response.headers;
  const message = source["grpc-message"];
  return { code: Number(source["grpc-status"]), message: typeof message === "string" ? decodeURIComponent(message) : undefined };
}
