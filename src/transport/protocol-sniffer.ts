import type { Socket } from "node:net";

// RFC 9113 §3.4: a client that knows the server speaks HTTP/2 ("prior knowledge", as every gRPC
// client over plaintext does) opens with this preface; an HTTP/1.1 client opens with a request
// line, which never starts with it. Node serves h2c and HTTP/1.1 from one port only if told which
// a connection speaks, so the first bytes decide, and are then handed back to the socket.
const CLIENT_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/**
 * Reads a new plaintext connection's first bytes and calls `onHttp2` when they are the HTTP/2
 * client preface, else `onHttp1`, with those bytes unread again. A socket that closes first calls neither.
 */
export function sniffProtocol(socket: Socket, onHttp2: (socket: Socket) => void, onHttp1: (socket: Socket) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const onReadable = (): void => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const compared = Math.min(seen.length, CLIENT_PREFACE.length);
    const isHttp2 = seen.subarray(0, compared).equals(CLIENT_PREFACE.subarray(0, compared));
    if (isHttp2 && compared < CLIENT_PREFACE.length) return; // a preface split across packets
    socket.off("readable", onReadable);
    socket.off("error", ignoreError);
    // node:http and node:http2 both read what was unshifted: http2 replays a socket's buffered bytes.
    if (seen.length > 0) socket.unshift(seen);
    if (isHttp2) onHttp2(socket);
    else onHttp1(socket);
  };
  socket.on("readable", onReadable);
  socket.on("error", ignoreError);
}

function ignoreError(): void {
  // A connection that fails before it spoke concerns that client only.
}
