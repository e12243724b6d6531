import type http2 from "node:http2";
import type { Socket } from "node:net";
import type { SocketSnapshot } from "../telemetry/channelz-registry.js";
import { isObserving, reportConnection } from "../telemetry/observers.js";
import { formatPeer } from "./http-exchange.js";
import type { Http1Connections } from "./http1-connections.js";
import { watchSession, type KeepalivePolicy } from "./server-keepalive.js";
import { countersOfSession } from "./session-counters.js";
import { snapshotSocket } from "./socket-snapshot.js";

// The listener asks for calls; this file keeps the connections they come on. Every TCP connection
// is held from accept to close, whatever it turns out to speak, because shutdown must end the
// ones that never became an HTTP/2 session too (no preface, a TLS handshake left hanging).

/** How a server treats each connection it accepts, whatever calls it carries. */
export interface ConnectionPolicy {
  readonly keepalive: KeepalivePolicy;
  /** Close a connection whose client has not sent its preface and SETTINGS this long after connecting (or after TLS). */
  readonly prefaceTimeoutMs: number;
}

// The preface timer of a connection, kept on its socket: a session's `socket` is a proxy that
// forwards property reads to the socket, so the session finds the timer of its own connection.
const PREFACE_TIMER = Symbol("h2grpc.prefaceTimer");
type TimedSocket = Socket & { [PREFACE_TIMER]?: NodeJS.Timeout };

/**
 * The connections one listener accepted: every TCP socket, the HTTP/2 sessions on them and the
 * HTTP/1.1 ones, the preface timeout, keepalive, connection reports, and their graceful close.
 */
export class ServerConnections {
  readonly #policy: ConnectionPolicy;
  readonly #http1: Http1Connections;
  readonly #isClosing: () => boolean;
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  // Every TCP connection, with or without a session: see destroyAll.
  readonly #sockets = new Set<Socket>();

  /** `isClosing` says whether the listener is shutting down: connections arriving then are turned away. */
  constructor(policy: ConnectionPolicy, http1: Http1Connections, isClosing: () => boolean) {
    this.#policy = policy;
    this.#http1 = http1;
    this.#isClosing = isClosing;
  }

  /** The open HTTP/2 connections. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** True for a session accepted before the listener began to close (one arriving later is not kept). */
  hasSession(session: http2.ServerHttp2Session): boolean {
    return this.#sessions.has(session);
  }

  /** channelz: every open HTTP/2 connection, as a socket. */
  channelzSockets(): SocketSnapshot[] {
    return [...this.#sessions].flatMap((session) => {
      const socket = session.socket as Socket | undefined;
      return socket === undefined ? [] : [snapshotSocket(socket, countersOfSession(session))];
    });
  }

  /** Holds a new TCP (or TLS) connection until it closes; destroys it if the listener is closing. */
  acceptSocket(socket: Socket): void {
    if (this.#isClosing()) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
  }

  // grpc-go's ConnectionTimeout: a client that connects and never speaks HTTP/2 would otherwise
  // hold its socket forever (Node destroys no session before the client preface arrives).
  /** Destroys `socket` unless its client sends the HTTP/2 preface (or HTTP/1.1) within prefaceTimeoutMs. */
  armPrefaceTimer(socket: Socket): void {
    const timer = setTimeout(() => socket.destroy(), this.#policy.prefaceTimeoutMs).unref();
    (socket as TimedSocket)[PREFACE_TIMER] = timer;
    socket.once("close", () => clearTimeout(timer));
  }

  /** Serves HTTP/1.1 on a connection that turned out to speak it; destroys it if the listener is closing. */
  acceptHttp1(socket: Socket): void {
    // node:http bounds its requests from here on (header and keep-alive timeouts).
    clearTimeout((socket as TimedSocket)[PREFACE_TIMER]);
    if (this.#isClosing()) {
      socket.destroy();
      return;
    }
    // node:http turns Nagle off (its noDelay option) only on connections it accepts itself; a
    // response's headers and body are separate writes, and Nagle would hold the body until the
    // client's delayed ACK of the headers (40 ms a call).
    socket.setNoDelay(true);
    this.#http1.accept(socket);
  }

  /** Holds a new HTTP/2 session until it closes, with keepalive and connection reports; turned away while closing. */
  acceptSession(session: http2.ServerHttp2Session): void {
    if (this.#isClosing()) {
      // Not now: Node replays the bytes the protocol sniffer read into the new session on the next
      // tick (node:internal/http2/core, "Socket already has some buffered data"), through a handle
      // that a destroy in this tick has removed, which throws uncaught. After that tick the streams
      // the replay opened are refused (the listener's #trackStream), so their clients retry elsewhere.
      process.nextTick(() => session.destroy());
      return;
    }
    this.#sessions.add(session);
    // RFC 9113 §3.4: the client's preface ends with a SETTINGS frame; once it arrived, the client speaks HTTP/2.
    session.once("remoteSettings", () => clearTimeout((session.socket as TimedSocket)[PREFACE_TIMER]));
    session.on("error", ignoreError);
    session.once("close", () => this.#sessions.delete(session));
    watchSession(session, this.#policy.keepalive);
    if (isObserving()) {
      const address = formatPeer(session.socket?.remoteAddress, session.socket?.remotePort);
      reportConnection({ side: "server", kind: "ready", address });
      session.once("close", () => isObserving() && reportConnection({ side: "server", kind: "closed", address }));
    }
  }

  /** Sends GOAWAY on every session and closes the HTTP/1.1 connections; resolves when all of them are gone. */
  closeGracefully(): Promise<unknown> {
    const sessionsGone = [...this.#sessions].map(
      (session) => new Promise<void>((resolve) => (session.destroyed ? resolve() : session.once("close", () => resolve()))),
    );
    sessionsGone.push(this.#http1.close());
    // Http2Session.close sends GOAWAY with the last stream id and destroys the session once its
    // open streams end (PROTOCOL-HTTP2 §Connection management: graceful shutdown).
    for (const session of this.#sessions) session.close();
    return Promise.all(sessionsGone);
  }

  /** Ends every connection now, those without a session too. */
  destroyAll(): void {
    // The sockets are closed, not the sessions: Http2Session.destroy would first reset every open
    // stream with RST_STREAM(NO_ERROR), which clients read as INTERNAL, where a server going away
    // is UNAVAILABLE (as grpc-go's Server.Stop, which closes its connections). Destroying the
    // sockets also ends connections that never sent a preface or finished a TLS handshake, which
    // have no session, so close() is bounded by graceMs whatever the clients do.
    for (const socket of this.#sockets) socket.destroy();
    for (const session of this.#sessions) session.destroy();
  }
}

function ignoreError(): void {
  // An error of one connection never takes the server (or the process) down.
}
