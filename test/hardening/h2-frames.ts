// Test helper: hand-made HTTP/2 frames (RFC 9113 §4.1) and a raw TCP connection that sends them,
// for protocol violations node:http2's own client refuses to produce.
import net from "node:net";

/** The client connection preface (RFC 9113 §3.4). */
export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** Frame types of RFC 9113 §6. */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

export const Flag = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

/** One frame: 9-byte header (24-bit length, type, flags, 31-bit stream id), then the payload. */
export function frame(type: number, flags: number, streamId: number, payload: Uint8Array = Buffer.alloc(0), declaredLength = payload.length): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(declaredLength, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

export const settingsFrame = (pairs: readonly [number, number][] = []): Buffer => {
  const payload = Buffer.alloc(6 * pairs.length);
  pairs.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, 6 * i);
    payload.writeUInt32BE(value, 6 * i + 2);
  });
  return frame(FrameType.SETTINGS, 0, 0, payload);
};
export const settingsAck = (): Buffer => frame(FrameType.SETTINGS, Flag.ACK, 0);
export const pingFrame = (n: number): Buffer => {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(n, 4);
  return frame(FrameType.PING, 0, 0, payload);
};
export const rstStreamFrame = (streamId: number, code = 0x8): Buffer => {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code, 0);
  return frame(FrameType.RST_STREAM, 0, streamId, payload);
};
export const windowUpdateFrame = (streamId: number, increment: number): Buffer => {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment, 0);
  return frame(FrameType.WINDOW_UPDATE, 0, streamId, payload);
};

/** An HPACK integer with an n-bit prefix (RFC 7541 §5.1), first byte ORed with `pattern`. */
function hpackInteger(value: number, prefixBits: number, pattern: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [pattern | value];
  const bytes = [pattern | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

/** An HPACK header block of literals without indexing, no Huffman (RFC 7541 §6.2.2): valid for any names. */
export function headerBlock(headers: readonly [string, string][]): Buffer {
  const bytes: number[] = [];
  for (const [name, value] of headers) {
    bytes.push(0x00);
    for (const text of [name, value]) {
      const encoded = Buffer.from(text, "latin1");
      bytes.push(...hpackInteger(encoded.length, 7, 0x00), ...encoded);
    }
  }
  return Buffer.from(bytes);
}

/** The pseudo-headers and headers of a valid gRPC POST to `path`. */
export function grpcRequestHeaders(path: string, extra: readonly [string, string][] = []): [string, string][] {
  return [
    [":method", "POST"],
    [":scheme", "http"],
    [":path", path],
    [":authority", "127.0.0.1"],
    ["content-type", "application/grpc"],
    ["te", "trailers"],
    ...extra,
  ];
}

export const headersFrame = (streamId: number, block: Uint8Array, flags: number = Flag.END_HEADERS): Buffer =>
  frame(FrameType.HEADERS, flags, streamId, block);

/** A raw TCP connection that records what the server sends and whether it closed the connection. */
export interface RawConnection {
  readonly socket: net.Socket;
  /** Writes bytes; false once the socket is gone (the server may close it mid-attack). */
  send(bytes: Uint8Array): boolean;
  /** Resolves when the server closes the connection (or it errors), with every frame type the server sent. */
  readonly closed: Promise<number[]>;
  /** Frames received so far, as [type, flags, streamId, payload]. */
  readonly frames: ReceivedFrame[];
  /** Resolves with the first GOAWAY's error code, or undefined if the connection closes without one. */
  goaway(): Promise<number | undefined>;
  destroy(): void;
}

export interface ReceivedFrame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

/** Opens a TCP connection to 127.0.0.1:port and parses the frames it receives (after the server preface). */
export async function connectTcp(port: number): Promise<RawConnection> {
  const socket = net.connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const frames: ReceivedFrame[] = [];
  let pending = Buffer.alloc(0);
  let onFrame: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      frames.push({ type: pending[3] as number, flags: pending[4] as number, streamId: pending.readUInt32BE(5) & 0x7fffffff, payload: pending.subarray(9, 9 + length) });
      pending = pending.subarray(9 + length);
    }
    onFrame?.();
  });
  socket.on("error", () => {});
  const closed = new Promise<number[]>((resolve) => socket.once("close", () => {
    onFrame?.();
    resolve(frames.map((f) => f.type));
  }));
  return {
    socket,
    frames,
    closed,
    send: (bytes) => {
      if (socket.destroyed || !socket.writable) return false;
      socket.write(bytes);
      return true;
    },
    goaway: () =>
      new Promise((resolve) => {
        const check = (): void => {
          const goaway = frames.find((f) => f.type === FrameType.GOAWAY);
          if (goaway !== undefined) resolve(goaway.payload.readUInt32BE(4));
          else if (socket.destroyed || socket.readableEnded) resolve(undefined);
          else return;
          onFrame = undefined;
        };
        onFrame = check;
        check();
      }),
    destroy: () => socket.destroy(),
  };
}

/** GOAWAY error codes of RFC 9113 §7 the tests expect. */
export const ErrorCode = { NO_ERROR: 0, PROTOCOL_ERROR: 1, FLOW_CONTROL_ERROR: 3, FRAME_SIZE_ERROR: 6, REFUSED_STREAM: 7, ENHANCE_YOUR_CALM: 0xb } as const;
