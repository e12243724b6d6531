import http from "node:http";
import type { Socket } from "node:net";

// The HTTP/1.1 side of a listener (gRPC-Web, Connect and plain requests from browsers and curl).
// Its node:http server never listens: the listener hands it the connections that turned out to
// speak HTTP/1.1. It tracks each connection's open responses so that shutdown closes idle
// keep-alive connections at once and the others when their last response has ended.

/** Receives each HTTP/1.1 request. */
export type Http1RequestListener = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** The HTTP/1.1 connections of a listener, and their graceful close. */
export class Http1Connections {
  readonly #server: http.Server;
  readonly #openResponses = new Map<Socket, number>();
  #isClosing = false;
  #onIdle: (() => void) | undefined;

  constructor(onRequest: Http1RequestListener, maxHeaderBytes: number) {
    this.#server = http.createServer(
      {
        maxHeaderSize: maxHeaderBytes,
        // A client-streaming call may send its body for longer than node:http's default 5 minutes.
        requestTimeout: 0,
      },
      (request, response) => {
        const socket = request.socket;
        this.#openResponses.set(socket, (this.#openResponses.get(socket) ?? 0) + 1);
        response.once("close", () => this.#responseClosed(socket));
        if (this.#isClosing) response.shouldKeepAlive = false;
        onRequest(request, response);
      },
    );
    // No 'clientError' listener: node:http then answers a malformed request with 400 (431 for
    // oversized headers) and closes the connection, so a TLS client that dialled this plaintext
    // port reads plaintext and says so (connection-hints.ts).
  }

  /** Serves HTTP/1.1 on a connection (plaintext, or TLS without ALPN "h2"). */
  accept(socket: Socket): void {
    this.#openResponses.set(socket, 0);
    socket.once("close", () => {
      this.#openResponses.delete(socket);
      this.#checkIdle();
    });
    this.#server.emit("connection", socket);
  }

  /** The number of requests still being answered. */
  get openResponses(): number {
    let open = 0;
    for (const count of this.#openResponses.values()) open += count;
    return open;
  }

  /** Closes idle connections now and the others as their responses end; resolves when no response is open. */
  close(): Promise<void> {
    this.#isClosing = true;
    for (const [socket, open] of this.#openResponses) if (open === 0) socket.end();
    if (this.openResponses === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#onIdle = resolve;
    });
  }

  #responseClosed(socket: Socket): void {
    const open = (this.#openResponses.get(socket) ?? 1) - 1;
    if (this.#openResponses.has(socket)) this.#openResponses.set(socket, open);
    if (this.#isClosing && open === 0) socket.end();
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#onIdle !== undefined && this.openResponses === 0) {
      const onIdle = this.#onIdle;
      this.#onIdle = undefined;
      onIdle();
    }
  }
}
