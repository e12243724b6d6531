/** One length-prefixed message as PROTOCOL-HTTP2 defines it: a compressed flag and its payload. */
export interface Frame {
  readonly compressed: boolean;
  readonly payload: Uint8Array;
}

/** Compressed-Flag (1 byte) + Message-Length (4 bytes, big-endian). */
export const FRAME_HEADER_BYTES = 5;

/** Writes a frame header into `target` at `offset`. */
export function writeFrameHeader(target: Uint8Array, offset: number, payloadBytes: number, compressed: boolean): void {
  target[offset] = compressed ? 1 : 0;
  target[offset + 1] = payloadBytes >>> 24;
  target[offset + 2] = (payloadBytes >>> 16) & 0xff;
  target[offset + 3] = (payloadBytes >>> 8) & 0xff;
  target[offset + 4] = payloadBytes & 0xff;
}

/** Encodes one frame into one buffer (header and payload, one copy of the payload). */
export function encodeFrame(payload: Uint8Array, compressed = false): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(out, 0, payload.length, compressed);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}
