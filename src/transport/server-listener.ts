import http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { acceptGrpcStream, type GrpcStreamLimits } from "./grpc-request-check.js";
import { plainResponseHeaders, serverStreamOf } from "./http2-server-stream.js";
import type { ServerCallStream } from "./server-call-stream.js";
import { isObserving, reportConnection } from "../telemetry/observers.js";
import { secureServerOptions, type ServerCredentials } from "./tls.js";
import { watchSession, type KeepalivePolicy } from "./server-keepalive.js";


/** HTTP/2 settings and connection policy of a listener. */
export interface ListenerSettings {
  /** SETTINGS_MAX_CONCURRENT_STREAMS; unlimited when undefined. */
  readonly maxConcurrentStreams?: number | undefined;
  /** SETTINGS_MAX_HEADER_LIST_SIZE, in bytes. */
  readonly maxHeaderListBytes: number;
  readonly keepalive: KeepalivePolicy;
  /** Close a connection whose client has not sent its preface and SETTINGS this long after connecting (or after TLS). */
  readonly prefaceTimeoutMs: number;
  /** Incoming RST_STREAM rate limit (rapid-reset protection): a burst of this many resets, then `streamResetRate` a second. */
  readonly streamResetBurst: number;
  readonly streamResetRate: number;
  /** The largest request message accepted. */
  readonly maxReceiveMessageBytes: number;
  /** The grpc-accept-encoding every response advertises. */
  readonly acceptEncoding: string;
}

// The preface timer of a connection, kept on its socket: a session's `socket` is a proxy that
// forwards property reads to the socket, so the session finds the timer of its own connection.
const PREFACE_TIMER = Symbol("h2grpc.prefaceTimer");
type TimedSocket = Socket & { [PREFACE_TIMER]?: NodeJS.Timeout };

/** Receives every call the listener accepted, whatever protocol carried it. */
export type CallListener = (call: ServerCallStream) => void;

/**
 * The HTTP/2 side of a server: one or more node:http2 servers (plaintext or TLS), the sessions
 * they accept, the requests it judges and hands up as calls, and graceful shutdown (GOAWAY,
 * grace period, then the calls still running end with UNAVAILABLE). Knows nothing of messages.
 */
export class ServerListener {
  readonly #onCall: CallListener;
  readonly #settings: ListenerSettings;
  readonly #streamLimits: GrpcStreamLimits;
  readonly #servers: (http2.Http2Server | http2.Http2SecureServer)[] = [];
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  // Every TCP connection, with or without a session: see #shutDown.
  readonly #sockets = new Set<Socket>();
  // Streams still open, so that close() can end their calls at the end of the grace period.
  readonly #streams = new Set<http2.ServerHttp2Stream>();
  #closing: Promise<void> | undefined;

  constructor(onCall: CallListener, settings: ListenerSettings) {
    this.#onCall = onCall;
    this.#settings = settings;
    this.#streamLimits = {
      maxHeaderListBytes: settings.maxHeaderListBytes,
      maxReceiveMessageBytes: settings.maxReceiveMessageBytes,
      acceptEncoding: settings.acceptEncoding,
      plainResponseHeaders: plainResponseHeaders(settings.acceptEncoding),
      isShuttingDown: () => this.isClosing,
    };
    const streams = this.#streams;
    this.#untrackStream = function (this: http2.ServerHttp2Stream): void {
      streams.delete(this);
    };
  }

  /** The open HTTP/2 connections. */
  get connectionCount(): number {
    return this.#sessions.size;
  }

  /** True once close has been called: streams still arriving belong to draining connections. */
  get isClosing(): boolean {
    return this.#closing !== undefined;
  }

  /** Starts a server on host:port; resolves with the bound port; rejects with the listen error (e.g. EADDRINUSE), or if closing. */
  listen(host: string, port: number, credentials: ServerCredentials): Promise<number> {
    if (this.#closing !== undefined) return Promise.reject(new Error("server is closed; create a new one to listen again"));
    // @types/node 20 does not know the reset options yet (Node 22.10 added them).
    const options: http2.SecureServerOptions & { streamResetBurst: number; streamResetRate: number } = {
      settings: {
        maxHeaderListSize: this.#settings.maxHeaderListBytes,
        ...(this.#settings.maxConcurrentStreams !== undefined
          ? { maxConcurrentStreams: this.#settings.maxConcurrentStreams }
          : {}),
      },
      // Node refuses new streams once a session buffers more than maxSessionMemory MiB (default
      // 10), which a busy connection with large messages reaches legitimately (grpc-js lifts the
      // limit entirely); HTTP/2 flow control already bounds what each stream may buffer.
      maxSessionMemory: 64,
      // nghttp2 ends a connection whose client resets streams faster than this (CVE-2023-44487).
      // Node 22.10 and later let us set it; Node 20 ignores these and keeps nghttp2's 1000 and 33/s.
      streamResetBurst: this.#settings.streamResetBurst,
      streamResetRate: this.#settings.streamResetRate,
    };
    const server =
      credentials.kind === "insecure"
        ? http2.createServer(options)
        : http2.createSecureServer({ ...options, ...secureServerOptions(credentials), allowHTTP1: false });
    server.on("stream", this.#trackStream);
    server.on("session", (session) => this.#track(session));
    server.on("connection", (socket: Socket) => this.#trackSocket(socket));
    // The TLS handshake is bounded by tls.Server's handshakeTimeout (120 s); the preface after it, by this.
    server.on(credentials.kind === "insecure" ? "connection" : "secureConnection", (socket: Socket) => this.#armPrefaceTimer(socket));
    // A TLS handshake that fails (rogue certificate, plaintext client) concerns that client only.
    server.on("tlsClientError", ignoreError);
    server.on("sessionError", ignoreError);
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once("error", onError);
      server.listen(port, host, () => {
        server.off("error", onError);
        server.on("error", ignoreError);
        this.#servers.push(server);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  // One function per listener (not per stream): Node calls it with the stream as `this`.
  readonly #untrackStream: (this: http2.ServerHttp2Stream) => void;

  readonly #trackStream = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]): void => {
    this.#streams.add(stream);
    stream.once("close", this.#untrackStream);
    const call = acceptGrpcStream(stream, headers, rawHeaders, this.#streamLimits);
    if (call !== undefined) this.#onCall(call);
  };

  #trackSocket(socket: Socket): void {
    if (this.#closing !== undefined) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
  }

  // grpc-go's ConnectionTimeout: a client that connects and never speaks HTTP/2 would otherwise
  // hold its socket forever (Node destroys no session before the client preface arrives).
  #armPrefaceTimer(socket: TimedSocket): void {
    const timer = setTimeout(() => socket.destroy(), this.#settings.prefaceTimeoutMs).unref();
    socket[PREFACE_TIMER] = timer;
    socket.once("close", () => clearTimeout(timer));
  }

  #track(session: http2.ServerHttp2Session): void {
    if (this.#closing !== undefined) {
      session.destroy();
      return;
    }
    this.#sessions.add(session);
    // RFC 9113 §3.4: the client's preface ends with a SETTINGS frame; once it arrived, the client speaks HTTP/2.
    session.once("remoteSettings", () => clearTimeout((session.socket as TimedSocket)[PREFACE_TIMER]));
    session.on("error", ignoreError);
    session.once("close", () => this.#sessions.delete(session));
    watchSession(session, this.#settings.keepalive);
    if (isObserving()) {
      const address = remoteAddressOf(session.socket);
      reportConnection({ side: "server", kind: "ready", address });
      session.once("close", () => isObserving() && reportConnection({ side: "server", kind: "closed", address }));
    }
  }

  /**
   * Stops accepting connections, sends GOAWAY (NO_ERROR) on every session, lets open streams run
   * for `graceMs`, then ends each call still running with UNAVAILABLE (retryable; C-core's
   * cancel-all-calls does the same) and closes every connection; resolves when every session is
   * gone. A second call returns the first call's promise.
   */
  close(graceMs: number): Promise<void> {
    this.#closing ??= this.#shutDown(graceMs);
    return this.#closing;
  }

  async #shutDown(graceMs: number): Promise<void> {
    const serversClosed = this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    const sessionsGone = [...this.#sessions].map(
      (session) => new Promise<void>((resolve) => (session.destroyed ? resolve() : session.once("close", () => resolve()))),
    );
    // Http2Session.close sends GOAWAY with the last stream id and destroys the session once its
    // open streams end (PROTOCOL-HTTP2 §Connection management: graceful shutdown).
    for (const session of this.#sessions) session.close();
    let graceTimer: NodeJS.Timeout | undefined;
    const allGone = Promise.all(sessionsGone);
    await Promise.race([allGone, new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, Math.max(0, graceMs))))]);
    clearTimeout(graceTimer);
    if (this.#streams.size > 0) {
      // Calls still running end with a status of their own (UNAVAILABLE), written now; Node's
      // native write of this tick runs before JS immediates, so one immediate lets it go out.
      const shuttingDown = new GrpcError(Status.UNAVAILABLE, "server is shutting down");
      for (const stream of [...this.#streams]) serverStreamOf(stream)?.abort(shuttingDown);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The sockets are closed, not the sessions: Http2Session.destroy would first reset every open
    // stream with RST_STREAM(NO_ERROR), which clients read as INTERNAL, where a server going away
    // is UNAVAILABLE (as grpc-go's Server.Stop, which closes its connections). Destroying the
    // sockets also ends connections that never sent a preface or finished a TLS handshake, which
    // have no session, so close() is bounded by graceMs whatever the clients do.
    for (const socket of this.#sockets) socket.destroy();
    for (const session of this.#sessions) session.destroy();
    await allGone;
    await Promise.all(serversClosed);
  }
}

function remoteAddressOf(socket: Socket | undefined): string {
  const address = socket?.remoteAddress ?? "unknown";
  return address.includes(":") ? `[${address}]:${socket?.remotePort}` : `${address}:${socket?.remotePort}`;
}

function ignoreError(): void {
  // Errors of one connection or handshake never take the server (or the process) down.
}
