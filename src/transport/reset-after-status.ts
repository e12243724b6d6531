import type http2 from "node:http2";

/**
 * Resets a stream whose client is still sending, once its status is on the wire (RFC 9113 §8.1;
 * grpc-go does the same). nghttp2 sends a queued RST_STREAM before queued trailers, and then
 * drops them, so the reset waits for Node's native write of this tick, which runs before JS
 * immediates.
 */
export function resetAfterStatus(stream: http2.ServerHttp2Stream, code: number): void {
  setImmediate(closeStream, stream, code);
}

function closeStream(stream: http2.ServerHttp2Stream, code: number): void {
  if (!stream.closed && !stream.destroyed) stream.close(code);
}
