import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import type { CallStreamListener, ClientCallStream, OutgoingCallHead } from "./client-call-stream.js";
import { startKeepalive, type KeepaliveSettings } from "./client-keepalive.js";
import { buildRequestHeaders } from "./grpc-headers.js";
import { Http2ClientStream, type StreamConnectionState } from "./http2-client-stream.js";
import { secureConnectOptions, type ChannelCredentials } from "./tls.js";
import { isObserving, reportConnection } from "../telemetry/observers.js";
import { isCountingSockets, SocketCounters } from "../telemetry/socket-counters.js";

/** Where a connection goes: a TCP host and port or a unix socket, as the channel parsed it. */
export type ConnectionAddress =
  | {
      readonly kind: "tcp";
      readonly host: string;
      readonly port: number;
      /** The name TLS checks the certificate against (and sends as SNI) when `host` is a resolved address. */
      readonly serverName?: string | undefined;
    }
  | { readonly kind: "unix"; readonly path: string };

/** What a connection tells its owner, each at most once and never synchronously from the constructor. */
export interface ConnectionEvents {
  /** The HTTP/2 preface was exchanged: streams may be opened. */
  onReady(connection: ClientConnection): void;
  /** The server sent GOAWAY: no new streams; those below `lastStreamId` may still finish. */
  onGoaway(connection: ClientConnection, errorCode: number, opaqueData: Buffer | undefined): void;
  /** The connection is gone; `error` is why, when something failed (undefined for an orderly close). */
  onClose(connection: ClientConnection, error: unknown): void;
}

// Node's default 64 KiB connection window throttles large messages; a larger local window lets
// one stream use the bandwidth (grpc-go grows its window by BDP estimation to a similar size).
const LOCAL_CONNECTION_WINDOW_BYTES = 8 * 1024 * 1024;
const LOCAL_STREAM_WINDOW_BYTES = 1024 * 1024;
const SETTINGS: http2.Settings = { enablePush: false, initialWindowSize: LOCAL_STREAM_WINDOW_BYTES };
// Node resets every stream whose headers or trailers arrive while the session holds more than
// maxSessionMemory MB (default 10) with ENHANCE_YOUR_CALM, and the replies being read and the
// requests being sent count: a few 4 MiB calls at once on one connection failed. What a session
// holds is bounded already (our windows, the message limits, the writes the caller waits on), so
// there is no cap, as in grpc-js (test/client/large-messages.test.ts).
const NO_SESSION_MEMORY_CAP = Number.MAX_SAFE_INTEGER;

/**
 * One HTTP/2 connection to one address (h2c, or TLS with ALPN "h2") and the streams opened on it.
 * It owns its socket, so it notices a dead peer whatever Node's session does: a socket the server
 * ended (FIN) fails every stream that has not received its status, and a closed socket destroys the
 * session. No Node event on it can throw into the caller: every operation checks the session's
 * state first, because Node emits events (even 'connect') for sessions already destroyed.
 */
export class ClientConnection implements StreamConnectionState {
  readonly session: http2.ClientHttp2Session;
  readonly isTls: boolean;
  /** Where it goes: "127.0.0.1:50051", "[::1]:50051" or the unix socket path. */
  readonly address: string;
  /** Its streams and messages, while socket counting is on (channelz). */
  readonly counters = new SocketCounters();
  readonly #socket: net.Socket;
  readonly #events: ConnectionEvents;
  readonly #streams = new Set<http2.ClientHttp2Stream>();
  #isReady = false;
  #goawayLastStreamId: number | undefined;
  #lastError: unknown;
  #stopKeepalive: (() => void) | undefined;

  /** Starts connecting; never throws for a network failure, which arrives as onClose(error). */
  constructor(address: ConnectionAddress, credentials: ChannelCredentials, events: ConnectionEvents) {
    this.#events = events;
    this.address = describeAddress(address);
    this.#socket = openSocket(address, credentials);
    this.isTls = credentials.kind !== "insecure";
    const scheme = this.isTls ? "https" : "http";
    // The URL only names the scheme: :authority is set on every request by the call layer.
    this.session = http2.connect(`${scheme}://localhost`, {
      settings: SETTINGS,
      maxSessionMemory: NO_SESSION_MEMORY_CAP,
      createConnection: () => this.#socket,
    });
    this.session.on("error", this.#onError);
    this.#socket.on("error", this.#onError);
    this.session.once("connect", this.#onConnect);
    this.session.once("goaway", this.#onGoaway);
    this.session.once("close", this.#onClose);
    // The peer's FIN: nothing more will arrive, whatever state our own writes are in.
    this.#socket.once("end", this.#onPeerEnded);
    this.#socket.once("close", this.#onSocketClose);
    if (isObserving()) reportConnection({ side: "client", kind: "connecting", address: this.address });
  }

  /** True once the HTTP/2 preface was exchanged and until the connection closes or goes away. */
  get isReady(): boolean {
    return this.#isReady && !this.session.closed && !this.session.destroyed;
  }

  /** True after a GOAWAY from the server: streams it did not finish failed because it went away. */
  get hasReceivedGoaway(): boolean {
    return this.#goawayLastStreamId !== undefined;
  }

  /** The last stream id of the server's GOAWAY: it never processed streams above it (RFC 9113 §6.8). */
  get goawayLastStreamId(): number | undefined {
    return this.#goawayLastStreamId;
  }

  /** True once the session is destroyed (the connection is gone for every stream). */
  get isDestroyed(): boolean {
    return this.session.destroyed;
  }

  /** The number of streams open on this connection. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Sends PINGs as `settings` say (doc/keepalive.md) until the connection closes. */
  startKeepalive(settings: KeepaliveSettings): void {
    this.#stopKeepalive ??= startKeepalive(this.session, settings, this.counters);
  }

  /** The socket under the connection (channelz reads its addresses and TLS details), once it exists. */
  get socket(): net.Socket {
    return this.#socket;
  }

  /**
   * Opens one call (the transport seam, client-call-stream.ts): the request headers go out now and
   * `listener` hears what comes back. Throws Node's error when the connection cannot take a stream
   * (a GOAWAY raced the call, the session is closing): nothing was sent then.
   */
  openStream(head: OutgoingCallHead, listener: CallStreamListener): ClientCallStream {
    const headers = buildRequestHeaders({
      path: head.path,
      authority: head.authority,
      scheme: this.isTls ? "https" : "http",
      timeoutMs: head.timeoutMs,
      encoding: head.encoding,
      acceptEncoding: head.acceptEncoding,
      metadata: head.metadata,
      previousAttempts: head.previousAttempts,
    });
    // No options object: endStream already defaults to false for POST, and Node copies and
    // validates every options object it is given (bench/README.md).
    const stream = this.session.request(headers);
    if (isCountingSockets()) this.counters.streamStarted(true);
    this.#streams.add(stream); // Http2ClientStream forgets it when it closes
    return new Http2ClientStream(stream, listener, this, head.maxReceiveMessageBytes, this.counters);
  }

  /** Lets the process exit while this connection is open (calls hold the process, not connections). */
  unref(): void {
    this.#socket.unref();
  }

  /** Sends GOAWAY and closes once the open streams finish (Http2Session.close). */
  close(): void {
    if (!this.session.closed && !this.session.destroyed) this.session.close();
  }

  /** Closes the connection now; its open streams fail. */
  destroy(error?: Error): void {
    if (!this.session.destroyed) this.session.destroy(error);
    if (!this.#socket.destroyed) this.#socket.destroy();
  }

  readonly #onError = (error: unknown): void => {
    // Kept for onClose: an 'error' must never escape as an uncaught exception.
    this.#lastError ??= error;
  };

  readonly #onConnect = (): void => {
    if (this.session.destroyed || this.session.closed) return; // Node emits 'connect' even for a destroyed session
    if (this.#socket instanceof tls.TLSSocket && this.#socket.alpnProtocol !== "h2") {
      // Without ALPN "h2" the server speaks HTTP/1.1 (or nothing we know): gRPC needs HTTP/2.
      const error = Object.assign(new Error(`the server did not agree to HTTP/2 in the TLS handshake (ALPN: ${String(this.#socket.alpnProtocol)})`), {
        code: "ERR_ALPN_NOT_H2",
      });
      this.destroy(error);
      return;
    }
    try {
      this.session.setLocalWindowSize(LOCAL_CONNECTION_WINDOW_BYTES);
    } catch {
      // The session went away between the check and the call: its 'close' reports it.
    }
    this.#isReady = true;
    if (isObserving()) reportConnection({ side: "client", kind: "ready", address: this.address });
    this.#events.onReady(this);
  };

  readonly #onGoaway = (errorCode: number, lastStreamId: number, opaqueData?: Buffer): void => {
    this.#goawayLastStreamId = lastStreamId;
    if (isObserving()) reportConnection({ side: "client", kind: "goaway", address: this.address });
    this.#events.onGoaway(this, errorCode, opaqueData);
  };

  readonly #onPeerEnded = (): void => {
    // grpc-go closes the transport when its reader sees EOF. Streams that received their status
    // keep their buffered messages and finish as they are read; the others can never finish.
    const error = Object.assign(new Error("the server closed the connection"), { code: "ECONNRESET" });
    this.#lastError ??= error;
    for (const stream of [...this.#streams]) {
      if (!hasRemoteEnded(stream)) stream.destroy(error);
    }
    this.close();
  };

  readonly #onSocketClose = (): void => {
    // Node destroys the session from the socket's 'close' once it is bound; a socket that closes
    // before (a refused or failed connect) must not leave the session waiting.
    if (!this.session.destroyed) this.session.destroy();
  };

  readonly #onClose = (): void => {
    this.#isReady = false;
    this.#stopKeepalive?.();
    if (!this.#socket.destroyed) this.#socket.destroy();
    if (isObserving()) reportConnection({ side: "client", kind: "closed", address: this.address, error: this.#lastError });
    this.#events.onClose(this, this.#lastError);
  };

  /** Forgets a stream that closed. */
  untrack(stream: http2.ClientHttp2Stream): void {
    this.#streams.delete(stream);
  }
}

/** True when the server has sent END_STREAM on `stream` (its status), so what it sent can still be read. */
function hasRemoteEnded(stream: http2.ClientHttp2Stream): boolean {
  if (stream.destroyed) return false;
  try {
    return stream.state.remoteClose === 1 || stream.readableEnded;
  } catch {
    return stream.readableEnded;
  }
}

function describeAddress(address: ConnectionAddress): string {
  if (address.kind === "unix") return address.path;
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

function openSocket(address: ConnectionAddress, credentials: ChannelCredentials): net.Socket {
  // Small RPCs must not wait for Nagle's algorithm (grpc-go sets TCP_NODELAY too).
  const where: net.NetConnectOpts =
    address.kind === "unix" ? { path: address.path } : { host: address.host, port: address.port, noDelay: true };
  if (credentials.kind === "insecure") return net.connect(where);
  const serverHost = address.kind === "unix" ? "localhost" : (address.serverName ?? address.host);
  return tls.connect({ ...where, ...secureConnectOptions(credentials, serverHost) });
}
