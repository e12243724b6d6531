import http2 from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { isGrpcContentType } from "./grpc-headers.js";
import { acceptGrpcStream, type GrpcStreamLimits } from "./grpc-request-check.js";
import { Http1Connections } from "./http1-connections.js";
import { Http1Exchange } from "./http1-exchange.js";
import { Http2Exchange } from "./http2-exchange.js";
import { streamOwnerOf } from "./http2-stream-owner.js";
import { plainResponseHeaders } from "./http2-stream-settings.js";
import type { HttpCallStream } from "./http-call-stream.js";
import { sniffProtocol } from "./protocol-sniffer.js";
import { dispatchExchange, type DispatchConfig } from "./request-dispatch.js";
import type { ServerCallStream } from "./server-call-stream.js";
import type { SocketSnapshot } from "../telemetry/channelz-registry.js";
import { snapshotListenSocket } from "./socket-snapshot.js";
import { secureServerOptions, type ServerCredentials } from "./tls.js";
import { ServerConnections, type ConnectionPolicy } from "./server-connections.js";
import { REUSE_PORT_LISTEN_OPTIONS, reusePortUnsupportedReason } from "./reuse-port.js";

/** HTTP/2 settings and connection policy of a listener. */
export interface ListenerSettings extends ConnectionPolicy {
  /** SETTINGS_MAX_CONCURRENT_STREAMS; unlimited when undefined. */
  readonly maxConcurrentStreams?: number | undefined;
  /** SETTINGS_MAX_HEADER_LIST_SIZE, in bytes. */
  readonly maxHeaderListBytes: number;
  /** Incoming RST_STREAM rate limit (rapid-reset protection): a burst of this many resets, then `streamResetRate` a second. */
  readonly streamResetBurst: number;
  readonly streamResetRate: number;
  /** The largest request message accepted. */
  readonly maxReceiveMessageBytes: number;
  /** The grpc-accept-encoding every response advertises. */
  readonly acceptEncoding: string;
}

/** Receives every call the listener accepted, whatever protocol carried it. */
export type CallListener = (call: ServerCallStream) => void;

/** What the listener needs besides its settings to answer browsers: gRPC-Web, Connect, CORS preflights, plain HTTP. */
export type BrowserDispatch = Pick<DispatchConfig, "lookupMethod" | "cors" | "httpHandler">;

/**
 * The network side of a server: one or more listening sockets (plaintext or TLS), each serving
 * HTTP/2 and HTTP/1.1 on the same port, the sessions and connections they accept, the requests it
 * judges and hands up as calls (gRPC over HTTP/2; gRPC-Web and Connect over either, through
 * request-dispatch.ts), and graceful shutdown (GOAWAY, grace period, then the calls still running
 * end with UNAVAILABLE). The connections themselves are server-connections.ts's. Knows nothing of
 * messages.
 */
export class ServerListener {
  readonly #onCall: CallListener;
  readonly #settings: ListenerSettings;
  readonly #streamLimits: GrpcStreamLimits;
  readonly #dispatch: DispatchConfig;
  readonly #connections: ServerConnections;
  readonly #servers: (http2.Http2SecureServer | net.Server)[] = [];
  // Streams still open, so that close() can end their calls at the end of the grace period.
  readonly #streams = new Set<http2.ServerHttp2Stream>();
  // gRPC-Web and Connect calls still open, over either HTTP version.
  readonly #browserCalls = new Set<HttpCallStream>();
  #closing: Promise<void> | undefined;

  constructor(onCall: CallListener, settings: ListenerSettings, browsers: BrowserDispatch = NO_BROWSER_OPTIONS) {
    this.#onCall = onCall;
    this.#settings = settings;
    this.#dispatch = {
      ...browsers,
      onCall,
      maxReceiveMessageBytes: settings.maxReceiveMessageBytes,
      acceptEncoding: settings.acceptEncoding,
      onStreamStarted: (call) => {
        this.#browserCalls.add(call);
        call.onFinished(() => this.#browserCalls.delete(call));
      },
    };
    const http1 = new Http1Connections((request, response) => dispatchExchange(new Http1Exchange(request, response), this.#dispatch), settings.maxHeaderListBytes);
    this.#connections = new ServerConnections(settings, http1, () => this.#closing !== undefined);
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
    return this.#connections.sessionCount;
  }

  /** channelz: the listening sockets and every open HTTP/2 connection. */
  channelzSockets(): { listen: SocketSnapshot[]; connections: SocketSnapshot[] } {
    return {
      listen: this.#servers.map((server) => snapshotListenSocket(server, server.address() as AddressInfo | string | null)),
      connections: this.#connections.channelzSockets(),
    };
  }

  /** True once close has been called: streams still arriving belong to draining connections. */
  get isClosing(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Starts a server on host:port (with a socket of its own on a shared port when `reusePort`,
   * reuse-port.ts); resolves with the bound port; rejects with the listen error (e.g.
   * EADDRINUSE), if closing, or if this Node or platform cannot reuse ports.
   */
  listen(host: string, port: number, credentials: ServerCredentials, reusePort = false): Promise<number> {
    if (this.#closing !== undefined) return Promise.reject(new Error("server is closed; create a new one to listen again"));
    const unsupported = reusePort ? reusePortUnsupportedReason() : undefined;
    if (unsupported !== undefined) return Promise.reject(new Error(unsupported));
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
    const connections = this.#connections;
    let server: http2.Http2SecureServer | net.Server;
    let http2Server: http2.Http2Server | http2.Http2SecureServer;
    if (credentials.kind === "insecure") {
      // h2c with prior knowledge and HTTP/1.1 on one port: the first bytes say which (protocol-sniffer.ts).
      const plain = http2.createServer(options);
      server = net.createServer((socket) => {
        connections.acceptSocket(socket);
        connections.armPrefaceTimer(socket);
        sniffProtocol(socket, (h2) => plain.emit("connection", h2), (h1) => connections.acceptHttp1(h1));
      });
      http2Server = plain;
    } else {
      const { ALPNProtocols: _h2Only, ...tlsOptions } = secureServerOptions(credentials);
      const secure = http2.createSecureServer({
        ...options,
        ...tlsOptions,
        allowHTTP1: false,
        // ALPN: h2 when the client offers it, else HTTP/1.1, which the 'unknownProtocol' event
        // hands over (allowHTTP1 would route HTTP/2 streams through node:http2's compatibility API too).
        ALPNCallback: ({ protocols }: { protocols: string[] }) => (protocols.includes("h2") ? "h2" : protocols.includes("http/1.1") ? "http/1.1" : undefined),
      });
      secure.on("connection", (socket: Socket) => connections.acceptSocket(socket));
      // The TLS handshake is bounded by tls.Server's handshakeTimeout (120 s); the preface after it, by this.
      secure.on("secureConnection", (socket: Socket) => connections.armPrefaceTimer(socket));
      secure.on("unknownProtocol", (socket: Socket) => connections.acceptHttp1(socket));
      // A TLS handshake that fails (rogue certificate, plaintext client) concerns that client only.
      secure.on("tlsClientError", ignoreError);
      server = secure;
      http2Server = secure;
    }
    http2Server.on("stream", this.#trackStream);
    http2Server.on("session", (session) => connections.acceptSession(session));
    http2Server.on("sessionError", ignoreError);
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once("error", onError);
      server.listen({ port, host, ...(reusePort ? REUSE_PORT_LISTEN_OPTIONS : {}) }, () => {
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
    if (this.#closing !== undefined && stream.session !== undefined && !this.#connections.hasSession(stream.session as http2.ServerHttp2Session)) {
      // A connection that arrived while the server closes (ServerConnections.acceptSession): the
      // call never ran, so REFUSED_STREAM lets the client retry it transparently (gRFC A6). (A
      // stream the client reset before Node announced it has no session any more; it goes on, to
      // be aborted.)
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    this.#streams.add(stream);
    stream.once("close", this.#untrackStream);
    // gRPC first, with one check; anything else may be a browser protocol, or gets gRPC's answer (415, 405).
    if (!isGrpcContentType(headers["content-type"]) && !dispatchExchange(new Http2Exchange(stream, headers, rawHeaders), this.#dispatch)) return;
    const call = acceptGrpcStream(stream, headers, rawHeaders, this.#streamLimits);
    if (call !== undefined) this.#onCall(call);
  };

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
    // GOAWAY (NO_ERROR) on every session; HTTP/1.1 connections close as their responses end.
    const allGone = this.#connections.closeGracefully();
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([allGone, new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, Math.max(0, graceMs))))]);
    clearTimeout(graceTimer);
    if (this.#streams.size > 0 || this.#browserCalls.size > 0) {
      // Calls still running end with a status of their own (UNAVAILABLE), written now; Node's
      // native write of this tick runs before JS immediates, so one immediate lets it go out.
      const shuttingDown = new GrpcError(Status.UNAVAILABLE, "server is shutting down");
      for (const stream of [...this.#streams]) streamOwnerOf(stream)?.abort(shuttingDown);
      for (const call of [...this.#browserCalls]) call.abort(shuttingDown);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Then every connection goes, with or without a session, so close() is bounded by graceMs.
    this.#connections.destroyAll();
    await allGone;
    await Promise.all(serversClosed);
  }
}

const NO_BROWSER_OPTIONS: BrowserDispatch = { lookupMethod: () => undefined, cors: undefined, httpHandler: undefined };

function ignoreError(): void {
  // Errors of one connection or handshake never take the server (or the process) down.
}
