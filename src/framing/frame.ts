/** One length-prefixed message as PROTOCOL-HTTP2 defines it: a compressed flag and its payload. */
export interface Frame {
  readonly compressed: boolean;
  readonly payload: Uint8Array;
}

/** Compressed-Flag (1 byte) + Message-Length (4 bytes, big-endian). */
export const FRAME_HEADER_BYTES = 5;

/** The largest length the 4-byte Message-Length field can hold. */
export const MAX_FRAME_PAYLOAD_BYTES = 0xffff_ffff;

// Below this size one copy into a single buffer is cheaper than handing the transport two chunks.
const COPY_THRESHOLD_BYTES = 16 * 1024;

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

/**
 * Encodes one frame as the chunks to hand the transport: one buffer for a small payload, or a
 * 5-byte header followed by the payload itself for a large one, so large messages are not copied.
 */
export function encodeFrameChunks(payload: Uint8Array, compressed = false): Uint8Array[] {
  if (payload.length < COPY_THRESHOLD_BYTES) return [encodeFrame(payload, compressed)];
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  writeFrameHeader(header, 0, payload.length, compressed);
  return [header, payload];
}

/** Encodes many frames into one buffer: one allocation for a batch of small messages. */
export function encodeFrames(frames: readonly Frame[]): Buffer {
  let total = 0;
  for (const frame of frames) total += FRAME_HEADER_BYTES + frame.payload.length;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const frame of frames) {
    writeFrameHeader(out, offset, frame.payload.length, frame.compressed);
    out.set(frame.payload, offset + FRAME_HEADER_BYTES);
    offset += FRAME_HEADER_BYTES + frame.payload.length;
  }
  return out;
}
