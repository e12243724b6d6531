// Test helper: the requests a browser (or curl) makes, from Node: HTTP/1.1 through fetch (undici
// speaks only HTTP/1.1) and HTTP/2 through node:http2, with the bodies collected; and readers for
// gRPC-Web and Connect response bodies.
import http2 from "node:http2";
import { afterEach } from "vitest";

/** A response as a test reads it. */
export interface CollectedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Sends one HTTP/1.1 request with fetch and collects the response. */
export async function fetchHttp1(url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<CollectedResponse> {
  const response = await fetch(url, { method: init.method ?? "POST", headers: init.headers, body: init.body as RequestInit["body"] });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

const sessions: http2.ClientHttp2Session[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy();
});

/** Opens an HTTP/2 connection (prior knowledge) that is closed after the test. */
export function connectHttp2(port: number): http2.ClientHttp2Session {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on("error", () => undefined);
  sessions.push(session);
  return session;
}

/** Sends one HTTP/2 request and collects the response (chunks joined). */
export function requestHttp2(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Uint8Array): Promise<CollectedResponse> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": "POST", ...headers });
    const chunks: Buffer[] = [];
    let responseHeaders: Record<string, string> = {};
    let status = 0;
    stream.on("response", (received) => {
      status = Number(received[":status"]);
      responseHeaders = Object.fromEntries(Object.entries(received).filter(([name]) => !name.startsWith(":")).map(([name, value]) => [name, String(value)]));
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) }));
    stream.on("error", reject);
    stream.end(body);
  });
}

/** The frames of a gRPC-Web or Connect streaming body: flag and payload each. */
export function readEnvelopes(body: Buffer): { flag: number; payload: Buffer }[] {
  const frames: { flag: number; payload: Buffer }[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 5) throw new Error(`truncated frame header at ${offset}`);
    const length = body.readUInt32BE(offset + 1);
    if (body.length - offset - 5 < length) throw new Error(`truncated frame at ${offset}`);
    frames.push({ flag: body[offset] as number, payload: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return frames;
}

/** A gRPC-Web body read: its messages and the trailers of its 0x80 frame. */
export function readGrpcWebBody(body: Buffer): { messages: Buffer[]; trailers: Record<string, string> | undefined } {
  const messages: Buffer[] = [];
  let trailers: Record<string, string> | undefined;
  for (const frame of readEnvelopes(body)) {
    if ((frame.flag & 0x80) === 0) {
      messages.push(frame.payload);
      continue;
    }
    trailers = {};
    for (const line of frame.payload.toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) trailers[line.slice(0, colon)] = line.slice(colon + 1).trim();
    }
  }
  return { messages, trailers };
}
