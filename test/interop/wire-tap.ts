// A TEST-ONLY tap on node:http2 that records the Compressed-Flag of every gRPC message on the
// wire. The interop spec checks that flag ("Whether compression was actually performed is
// determined by the compression bit in the response's message flags"; CompressedRequest fails a
// call whose request was not compressed), but libraries deliberately hide it: grpc-go, grpc-js
// and h2grpc decompress transparently and expose neither flags nor grpc-encoding to applications.
// C-core's own interop programs read it through an internal inspector
// (InteropServerContextInspector); this tap is the equivalent for Node libraries, which all build
// on node:http2. Install it before a client connects or a server is created.
import http2 from "node:http2";
import { syncBuiltinESMExports } from "node:module";

/** The request header that ties a call to its recorded flags (set by clients; added by the tap on servers). */
export const TAP_ID_HEADER = "interop-wire-tap-id";

// Reads the 5-byte gRPC message prefixes (PROTOCOL-HTTP2: Compressed-Flag, Message-Length) out
// of DATA chunks split anywhere, skipping message bodies.
class MessageFlagReader {
  readonly compressedFlags: boolean[] = [];
  readonly #prefix = new Uint8Array(5);
  #prefixBytes = 0;
  #bodyBytesLeft = 0;

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#bodyBytesLeft > 0) {
        const skipped = Math.min(this.#bodyBytesLeft, chunk.length - offset);
        offset += skipped;
        this.#bodyBytesLeft -= skipped;
        continue;
      }
      this.#prefix[this.#prefixBytes++] = chunk[offset++] as number;
      if (this.#prefixBytes === 5) {
        this.compressedFlags.push(this.#prefix[0] === 1);
        this.#bodyBytesLeft = new DataView(this.#prefix.buffer).getUint32(1);
        this.#prefixBytes = 0;
      }
    }
  }
}

type HeaderValue = string | readonly string[] | number | undefined;

function firstValue(value: HeaderValue): string | undefined {
  if (Array.isArray(value)) return value[0] as string | undefined;
  return typeof value === "string" ? value : undefined;
}

const received = new Map<string, MessageFlagReader>();
let nextServerCallId = 0;
let installed = false;

function tapServer(server: http2.Http2Server | http2.Http2SecureServer): void {
  // Registered before the library's own listener (it is added when the server is created), so
  // the header below is in place before the library parses the request headers.
  (server as http2.Http2Server).on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    const id = `server-${++nextServerCallId}`;
    headers[TAP_ID_HEADER] = id;
    rawHeaders.push(TAP_ID_HEADER, id);
    recordData(id, stream);
    // The handler has checked its requests by the time the stream closes.
    stream.once("close", () => received.delete(id));
  });
}

function recordData(id: string, stream: http2.Http2Stream): void {
  const reader = new MessageFlagReader();
  received.set(id, reader);
  stream.on("data", (chunk: Uint8Array) => reader.push(chunk));
}

function tapClientSession(session: http2.ClientHttp2Session): void {
  const request = session.request;
  session.request = function tappedRequest(this: http2.ClientHttp2Session, ...args: Parameters<typeof request>) {
    const stream = request.apply(this, args);
    const id = firstValue(args[0]?.[TAP_ID_HEADER]);
    if (id !== undefined) recordData(id, stream);
    return stream;
  };
}

/** Patches node:http2 (once per process) so every server and client stream is tapped. */
export function installWireTap(): void {
  if (installed) return;
  installed = true;
  const { connect, createServer, createSecureServer } = http2;
  const patched = http2 as unknown as Record<string, unknown>;
  patched.connect = (...args: Parameters<typeof connect>) => {
    const session = connect(...args);
    tapClientSession(session);
    return session;
  };
  patched.createServer = (...args: Parameters<typeof createServer>) => {
    const server = createServer(...args);
    tapServer(server);
    return server;
  };
  patched.createSecureServer = (...args: Parameters<typeof createSecureServer>) => {
    const server = createSecureServer(...args);
    tapServer(server);
    return server;
  };
  // Named ESM imports of node:http2 are live bindings updated from the CommonJS exports here.
  syncBuiltinESMExports();
}

/**
 * The Compressed-Flags of the messages received so far on the call tagged `id` (a client's own
 * tag, or the value a tapped server added to the request headers); empty if the call is unknown.
 */
export function receivedCompressedFlags(id: string | undefined): readonly boolean[] {
  return id === undefined ? [] : (received.get(id)?.compressedFlags ?? []);
}

/** Forgets the flags of a finished call. */
export function forgetCall(id: string | undefined): void {
  if (id !== undefined) received.delete(id);
}
