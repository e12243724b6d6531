import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from "../../framing/frame-decoder.js";
import { DEFAULT_MAX_SEND_MESSAGE_BYTES } from "../../codec/message-codec.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import { ClientConnection, type ConnectionEvents } from "../../transport/client-connection.js";
import { describeConnectFailure } from "../../transport/connection-hints.js";
import { insecure, type ChannelCredentials } from "../../transport/tls.js";
import { ConnectionBackoff, backoffSettings } from "./backoff.js";
import { createConnectionPool, type ConnectionPool } from "./connection-pool.js";
import type { Channel, ChannelOptions, ChannelStats, ConnectivityState } from "../client-options.js";
import { CallCounters, type CallStats } from "../../telemetry/call-counters.js";
import { channelzIdOf, registerChannel, type ChannelSnapshot, type ChannelzSource } from "../../telemetry/channelz-registry.js";
import type { SocketStats } from "../../telemetry/socket-counters.js";
import { snapshotSocket } from "../../transport/socket-snapshot.js";
import { parseTarget, type ChannelTarget } from "./target.js";

/** A call the channel can end when it closes. */
export interface ChannelCall {
  abortFromChannel(error: GrpcError): void;
}

interface ConnectionWaiter {
  readonly waitForReady: boolean;
  resolve(connection: ClientConnection): void;
  reject(error: GrpcError): void;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;
// doc/keepalive.md: a server that finds our PINGs too frequent says so with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
const ENHANCE_YOUR_CALM = 0xb;
// setInterval's longest delay: the call-ref timer exists to be referenced, never to fire.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One HTTP/2 connection to a target, opened lazily and shared by every call (doc/connectivity-semantics-and-api.md):
 * IDLE → CONNECTING → READY; a failed attempt goes to TRANSIENT_FAILURE for a backoff delay
 * (doc/connection-backoff.md), a lost or GOAWAY'd connection back to IDLE, so the next call reconnects.
 */
export class ChannelImpl implements Channel, ConnectionEvents, ChannelzSource<ChannelSnapshot> {
  readonly target: string;
  /** The :authority of every call: the server-name override under TLS, else the target's host:port. */
  readonly authority: string;
  readonly scheme: "http" | "https";
  readonly isSecure: boolean;
  readonly maxReceiveMessageBytes: number;
  readonly maxSendMessageBytes: number;
  /** Calls started, succeeded and failed on this channel (stats(), channelz). */
  readonly counters = new CallCounters();
  readonly #address: ChannelTarget;
  readonly #credentials: ChannelCredentials;
  readonly #options: ChannelOptions;
  readonly #backoff: ConnectionBackoff;
  #state: ConnectivityState = "IDLE";
  #connection: ClientConnection | undefined;
  #waiters: ConnectionWaiter[] = [];
  #lastError: GrpcError | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #calls = new Set<ChannelCall>();
  #keepaliveTimeMs: number | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  /** Connection attempts that failed since the last success, for error messages. */
  #failedAttempts = 0;
  // Referenced while calls are in flight, so a pending call keeps the process alive (as an
  // outstanding node:http request does) while connections and every other timer stay unref()ed.
  #callRef: NodeJS.Timeout | undefined;
  readonly #leaveChannelz: () => void;
  // connectionsPerAddress > 1: more connections beside #connection, each call on the least loaded.
  readonly #pool: ConnectionPool | undefined;

  /** Throws TypeError for a malformed target, RangeError for a non-positive time or size option. */
  constructor(target: string, options: ChannelOptions = {}) {
    this.target = target;
    this.#address = parseTarget(target);
    this.#options = options;
    this.#credentials = options.credentials ?? insecure();
    this.isSecure = this.#credentials.kind === "channel-tls";
    this.scheme = this.isSecure ? "https" : "http";
    const override = this.#credentials.kind === "channel-tls" ? this.#credentials.serverNameOverride : undefined;
    this.authority = options.authority ?? override ?? this.#address.authority;
    this.maxReceiveMessageBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES;
    this.maxSendMessageBytes = options.maxSendMessageBytes ?? DEFAULT_MAX_SEND_MESSAGE_BYTES;
    this.#backoff = new ConnectionBackoff(backoffSettings(options.backoff));
    this.#keepaliveTimeMs = options.keepaliveTimeMs;
    this.#pool = createConnectionPool(options.connectionsPerAddress, {
      open: (events) => this.#openConnection(events),
      onReady: (connection) => this.#startKeepalive(connection),
      onGoaway: (connection, errorCode, opaqueData) => this.onGoaway(connection, errorCode, opaqueData),
      connectTimeoutMs: this.#backoff.connectTimeoutMs,
    });
    for (const name of ["keepaliveTimeMs", "keepaliveTimeoutMs", "idleTimeoutMs", "maxReceiveMessageBytes", "maxSendMessageBytes"] as const) {
      const value = options[name];
      if (value !== undefined && !(value > 0)) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
    }
    this.#leaveChannelz = registerChannel(this);
  }

  get state(): ConnectivityState {
    return this.#state;
  }

  /** channelz: the channel, with its connection as a subchannel and each pooled connection as one of its sockets. */
  channelzSnapshot(): ChannelSnapshot {
    const connection = this.#connection;
    const open = this.#openConnections();
    const subchannels =
      connection === undefined
        ? []
        : [
            {
              id: channelzIdOf(connection),
              target: connection.address,
              state: connection.isReady ? "READY" : this.#state,
              stats: streamStats(open.map((each) => each.counters.stats())),
              sockets: open.map((each) => snapshotSocket(each.socket, each.counters)),
            },
          ];
    return { id: channelzIdOf(this), target: this.target, state: this.#state, stats: this.counters.stats(), subchannels };
  }

  stats(): ChannelStats {
    return {
      ...this.counters.stats(),
      target: this.target,
      state: this.#state,
      connections: this.#openConnections().map((connection) => ({ address: connection.address, isReady: connection.isReady, streams: connection.streamCount })),
    };
  }

  /** The channel's connection and, with connectionsPerAddress, the pool's others. */
  #openConnections(): ClientConnection[] {
    const connection = this.#connection;
    return connection === undefined ? [] : [connection, ...(this.#pool?.extras ?? [])];
  }

  /** The connected connection, or undefined: the synchronous fast path. */
  readyConnection(): ClientConnection | undefined {
    const connection = this.#connection;
    if (this.#state === "READY" && connection !== undefined && connection.isReady) return this.#pool?.pick(connection) ?? connection;
    return undefined;
  }

  /**
   * Resolves with a connected connection, connecting when idle. Rejects with UNAVAILABLE when
   * connecting fails (or while in TRANSIENT_FAILURE) unless `waitForReady`, with CANCELLED once the
   * channel is closed.
   */
  waitForConnection(waitForReady: boolean, signal?: AbortSignal): Promise<ClientConnection> {
    if (this.#state === "SHUTDOWN") return Promise.reject(channelClosed());
    const ready = this.readyConnection();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.#state === "READY") this.#dropConnection();
    if (this.#state === "TRANSIENT_FAILURE" && !waitForReady) {
      return Promise.reject(this.#lastError ?? new GrpcError(Status.UNAVAILABLE, `cannot connect to ${this.target}`));
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(GrpcError.from(signal?.reason, Status.CANCELLED));
      };
      const waiter: ConnectionWaiter = {
        waitForReady,
        resolve: (connection) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(connection);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
      // A call that gives up (deadline, cancel) stops waiting, so a dead target is not redialled for it.
      signal?.addEventListener("abort", onAbort, { once: true });
      if (this.#state === "IDLE") this.#connect();
    });
  }

  connect(options: { readonly waitForReady?: boolean; readonly signal?: AbortSignal } = {}): Promise<void> {
    return this.waitForConnection(options.waitForReady === true, options.signal).then(() => {});
  }

  /** Stops handing out `connection` (request() refused it: GOAWAY raced the call). */
  discardConnection(connection: ClientConnection): void {
    if (this.#connection === connection) this.#dropConnection();
  }

  /** Counts a call in flight: it keeps the process alive and the connection out of idle. */
  callStarted(call: ChannelCall): void {
    if (this.#calls.size === 0) {
      this.#clearIdleTimer();
      if (this.#state !== "SHUTDOWN") (this.#callRef ??= setInterval(noop, MAX_TIMER_MS)).ref();
    }
    this.#calls.add(call);
  }

  /** Counts a call as finished; the last one lets the process exit and arms the idle timer. */
  callEnded(call: ChannelCall): void {
    if (!this.#calls.delete(call) || this.#calls.size > 0) return;
    this.#callRef?.unref();
    this.#armIdleTimer();
  }

  /** Ends every call with CANCELLED and the connection; clears every timer. */
  close(): void {
    if (this.#state === "SHUTDOWN") return;
    this.#state = "SHUTDOWN";
    this.#leaveChannelz();
    this.#clearIdleTimer();
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    clearTimeout(this.#connectTimer);
    clearInterval(this.#callRef);
    this.#callRef = undefined;
    for (const waiter of this.#takeWaiters()) waiter.reject(channelClosed());
    for (const call of [...this.#calls]) call.abortFromChannel(channelClosed());
    this.#calls.clear();
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection === undefined) return;
    // Let the RST_STREAMs just queued go out before the socket closes.
    connection.close();
    setImmediate(() => connection.destroy()).unref();
  }

  #connect(): void {
    this.#state = "CONNECTING";
    const connection = this.#openConnection(this);
    this.#connection = connection;
    this.#connectTimer = setTimeout(() => {
      connection.destroy(Object.assign(new Error(`connect timed out after ${this.#backoff.connectTimeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, this.#backoff.connectTimeoutMs);
    this.#connectTimer.unref();
  }

  #openConnection(events: ConnectionEvents): ClientConnection {
    const connection = new ClientConnection(this.#address, this.#credentials, events);
    connection.unref();
    return connection;
  }

  /** ConnectionEvents: the connection is up; hand it to every waiting call. */
  onReady(connection: ClientConnection): void {
    if (this.#connection !== connection) return;
    clearTimeout(this.#connectTimer);
    this.#state = "READY";
    this.#failedAttempts = 0;
    this.#backoff.reset();
    this.#startKeepalive(connection);
    if (this.#calls.size === 0 && this.#waiters.length === 0) this.#armIdleTimer();
    for (const waiter of this.#takeWaiters()) waiter.resolve(connection);
  }

  /** ConnectionEvents: PROTOCOL-HTTP2 GOAWAY: streams already started finish on it; new calls get a new connection. */
  onGoaway(connection: ClientConnection, errorCode: number, opaqueData: Buffer | undefined): void {
    // doc/keepalive.md: like grpc-go, double the keepalive time for the next connection.
    if (errorCode === ENHANCE_YOUR_CALM && opaqueData?.toString() === "too_many_pings" && this.#keepaliveTimeMs !== undefined) {
      this.#keepaliveTimeMs *= 2;
    }
    this.discardConnection(connection);
  }

  /** ConnectionEvents: the connection is gone: a failed attempt backs off, a lost one goes IDLE. */
  onClose(connection: ClientConnection, error: unknown): void {
    if (this.#connection !== connection) return;
    clearTimeout(this.#connectTimer);
    if (this.#state === "CONNECTING") this.#connectFailed(connection, error);
    else this.#dropConnection();
  }

  #connectFailed(connection: ClientConnection, cause: unknown): void {
    this.#connection = undefined;
    this.#state = "TRANSIENT_FAILURE";
    this.#failedAttempts++;
    const reason = describeConnectFailure(cause, this.isSecure);
    // What failed, where, and how often: "failed to connect to dns:svc:50051 (10.0.0.7:50051, attempt 3): connection refused".
    const where = connection.address === this.target ? `attempt ${this.#failedAttempts}` : `${connection.address}, attempt ${this.#failedAttempts}`;
    this.#lastError = new GrpcError(Status.UNAVAILABLE, `failed to connect to ${this.target} (${where}): ${reason}`, undefined, { cause });
    const waiting: ConnectionWaiter[] = [];
    for (const waiter of this.#takeWaiters()) {
      if (waiter.waitForReady) waiting.push(waiter);
      else waiter.reject(this.#lastError);
    }
    this.#waiters = waiting;
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      if (this.#state !== "TRANSIENT_FAILURE") return;
      this.#state = "IDLE";
      if (this.#waiters.length > 0) this.#connect();
    }, this.#backoff.nextDelayMs());
    this.#backoffTimer.unref();
  }

  #dropConnection(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#clearIdleTimer();
    if (this.#state !== "SHUTDOWN") this.#state = "IDLE";
    if (this.#calls.size === 0) {
      // An idle channel holds no timer at all, even one that is unref()ed.
      clearInterval(this.#callRef);
      this.#callRef = undefined;
    }
    // Node closes a GOAWAY'd session once its streams finish; close() does the same for one we give up on.
    connection?.close();
  }

  #startKeepalive(connection: ClientConnection): void {
    const timeMs = this.#keepaliveTimeMs;
    if (timeMs === undefined) return;
    connection.startKeepalive({
      timeMs,
      timeoutMs: this.#options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
      shouldPing: () => this.#calls.size > 0 || this.#options.keepalivePermitWithoutCalls === true,
    });
  }

  #armIdleTimer(): void {
    this.#clearIdleTimer();
    if (this.#state !== "READY") return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#calls.size === 0 && this.#state === "READY") this.#dropConnection();
    }, this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    this.#idleTimer.unref();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #takeWaiters(): ConnectionWaiter[] {
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }
}

function noop(): void {}

// A subchannel's ChannelData counts calls; here every stream of the connection is one.
function streamStats(sockets: readonly SocketStats[]): CallStats {
  const sum = (count: (socket: SocketStats) => number): number => sockets.reduce((total, socket) => total + count(socket), 0);
  const started = sum((socket) => socket.streamsStarted);
  const succeeded = sum((socket) => socket.streamsSucceeded);
  const failed = sum((socket) => socket.streamsFailed);
  const lastStarts = sockets.map((socket) => socket.lastLocalStreamAt).filter((at) => at !== undefined);
  return {
    callsStarted: started,
    callsSucceeded: succeeded,
    callsFailed: failed,
    callsInFlight: started - succeeded - failed,
    lastCallStartedAt: lastStarts.length === 0 ? undefined : Math.max(...lastStarts),
  };
}

function channelClosed(): GrpcError {
  // grpc-go: calls on a closing ClientConn fail with Canceled ("the client connection is closing").
  return new GrpcError(Status.CANCELLED, "the channel is closed");
}

/** Creates a channel to `target` (see parseTarget); it connects on the first call. Throws TypeError for a malformed target. */
export function createChannel(target: string, options: ChannelOptions = {}): Channel {
  return new ChannelImpl(target, options);
}
