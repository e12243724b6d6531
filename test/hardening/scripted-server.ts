// Test helper: a raw TCP "HTTP/2 server" that answers each request stream with frames the test
// scripts, byte for byte, for responses node:http2's server refuses to produce (HEADERS without
// :status, two trailer blocks, DATA after END_STREAM).
import net from "node:net";
import { Flag, FrameType, PREFACE, frame, headerBlock, settingsAck, settingsFrame } from "./h2-frames.js";

export interface ScriptedServer {
  readonly address: string;
  close(): Promise<void>;
}

/** Frames the script sends for one request stream. */
export type StreamScript = (streamId: number) => Buffer[];

/** Starts the server on 127.0.0.1:0; `script` answers every HEADERS frame the client sends, then `afterScript` runs. */
export async function startScriptedServer(script: StreamScript, afterScript?: (socket: net.Socket) => void): Promise<ScriptedServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => sockets.delete(socket));
    socket.write(settingsFrame());
    let pending = Buffer.alloc(0);
    let isPrefaceSeen = false;
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!isPrefaceSeen) {
        if (pending.length < PREFACE.length) return;
        pending = pending.subarray(PREFACE.length);
        isPrefaceSeen = true;
      }
      while (pending.length >= 9) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < 9 + length) break;
        const type = pending[3] as number;
        const flags = pending[4] as number;
        const streamId = pending.readUInt32BE(5) & 0x7fffffff;
        pending = pending.subarray(9 + length);
        if (type === FrameType.SETTINGS && (flags & Flag.ACK) === 0) socket.write(settingsAck());
        if (type === FrameType.HEADERS) {
          for (const bytes of script(streamId)) socket.write(bytes);
          afterScript?.(socket);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A HEADERS frame carrying `headers` (END_HEADERS, plus END_STREAM when `isEnd`). */
export function headers(streamId: number, fields: [string, string][], isEnd = false): Buffer {
  return frame(FrameType.HEADERS, Flag.END_HEADERS | (isEnd ? Flag.END_STREAM : 0), streamId, headerBlock(fields));
}

/** A DATA frame. */
export function data(streamId: number, payload: Uint8Array, isEnd = false): Buffer {
  return frame(FrameType.DATA, isEnd ? Flag.END_STREAM : 0, streamId, payload);
}

export const RESPONSE_HEADERS: [string, string][] = [[":status", "200"], ["content-type", "application/grpc"]];
export const OK_TRAILERS: [string, string][] = [["grpc-status", "0"]];
