// A raw node:http2 server whose every stream is answered by the test's own handler, for wire
// behaviour no well-behaved gRPC server shows (bad statuses, missing trailers, RST_STREAM codes).
import http2 from "node:http2";
import { encodeFrame } from "../../src/framing/frame.js";

export interface RawServer {
  readonly address: string;
  readonly port: number;
  /** Request headers of every stream, in arrival order. */
  readonly requests: http2.IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Starts an h2c server on 127.0.0.1:0; `onStream` answers each stream however the test needs. */
export async function startRawServer(onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void): Promise<RawServer> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  const requests: http2.IncomingHttpHeaders[] = [];
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => {});
  });
  server.on("stream", (stream, headers) => {
    requests.push(headers);
    stream.on("error", () => {});
    onStream(stream, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Drops the stream's connection once Node has finished the bytes it is reading. A session
 * destroyed from a 'stream' or 'data' handler (or a microtask they start) while DATA is still in
 * its receive buffer aborts Node 22 on a native assertion (nodejs/node#64850,
 * "onread->IsFunction()"); only a later turn of the event loop is safe.
 */
export function destroySessionSoon(stream: http2.ServerHttp2Stream): void {
  const session = stream.session;
  setImmediate(() => session?.destroy());
}

/** One encoded message frame holding `payload`. */
export function frameOf(payload: Uint8Array): Buffer {
  return encodeFrame(payload, false);
}
