import http2, { type ClientHttp2Session } from "node:http2";
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from "../framing/frame-decoder.js";
import { DEFAULT_MAX_SEND_MESSAGE_BYTES } from "../codec/message-codec.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import { connectSession, startKeepalive } from "../transport/client-session.js";
import { insecure, type ChannelCredentials } from "../transport/tls.js";
import { ConnectionBackoff, backoffSettings } from "./backoff.js";
import type { Channel, ChannelOptions, ConnectivityState } from "./client-options.js";
import { parseTarget, type ChannelTarget } from "./target.js";

/** A call the channel can end when it closes. */
export interface ChannelCall {
  abortFromChannel(error: GrpcError): void;
}

interface SessionWaiter {
  readonly waitForReady: boolean;
  resolve(session: ClientHttp2Session): void;
  reject(error: GrpcError): void;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;

/**
 * One HTTP/2 connection to a target, opened lazily and shared by every call (doc/connectivity-semantics-and-api.md):
 * IDLE → CONNECTING → READY; a failed attempt goes to TRANSIENT_FAILURE for a backoff delay
 * (doc/connection-backoff.md), a lost or GOAWAY'd connection back to IDLE, so the next call reconnects.
 */
export class ChannelImpl implements Channel {
  readonly target: string;
  /** The :authority of every call: the server-name override under TLS, else the target's host:port. */
  readonly authority: string;
  readonly scheme: "http" | "https";
  readonly isSecure: boolean;
  readonly maxReceiveMessageBytes: number;
  readonly maxSendMessageBytes: number;
  readonly #address: ChannelTarget;
  readonly #credentials: ChannelCredentials;
  readonly #options: ChannelOptions;
  readonly #backoff: ConnectionBackoff;
  #state: ConnectivityState = "IDLE";
  #session: ClientHttp2Session | undefined;
  #waiters: SessionWaiter[] = [];
  #lastError: GrpcError | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #calls = new Set<ChannelCall>();
  #keepaliveTimeMs: number | undefined;

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
    for (const name of ["keepaliveTimeMs", "keepaliveTimeoutMs", "idleTimeoutMs", "maxReceiveMessageBytes", "maxSendMessageBytes"] as const) {
      const value = options[name];
      if (value !== undefined && !(value > 0)) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
    }
  }

  get state(): ConnectivityState {
    return this.#state;
  }

  /** The connected session, or undefined (starting a connection when idle): the synchronous fast path. */
  readySession(): ClientHttp2Session | undefined {
    const session = this.#session;
    if (this.#state === "READY" && session !== undefined && !session.closed && !session.destroyed) return session;
    return undefined;
  }

  /**
   * Resolves with a connected session. Rejects with UNAVAILABLE when connecting fails (or while in
   * TRANSIENT_FAILURE) unless `waitForReady`, with CANCELLED once the channel is closed.
   */
  waitForSession(waitForReady: boolean, signal?: AbortSignal): Promise<ClientHttp2Session> {
    if (this.#state === "SHUTDOWN") return Promise.reject(channelClosed());
    const ready = this.readySession();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.#state === "READY") this.#dropSession();
    if (this.#state === "TRANSIENT_FAILURE" && !waitForReady) {
      return Promise.reject(this.#lastError ?? new GrpcError(Status.UNAVAILABLE, `cannot connect to ${this.target}`));
    }
    return new Promise((resolve, reject) => {
      const waiter: SessionWaiter = { waitForReady, resolve, reject };
      this.#waiters.push(waiter);
      // A call that gives up (deadline, cancel) stops waiting, so a dead target is not redialled for it.
      signal?.addEventListener("abort", () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(GrpcError.from(signal.reason, Status.CANCELLED));
      }, { once: true });
      if (this.#state === "IDLE") this.#connect();
    });
  }

  connect(options: { readonly waitForReady?: boolean; readonly signal?: AbortSignal } = {}): Promise<void> {
    return this.waitForSession(options.waitForReady === true, options.signal).then(() => {});
  }

  /** Stops handing out `session` (request() refused it: GOAWAY raced the call). */
  discardSession(session: ClientHttp2Session): void {
    if (this.#session === session) this.#dropSession();
  }

  /** Counts a call in flight: it keeps the connection referenced and out of idle. */
  callStarted(call: ChannelCall): void {
    if (this.#calls.size === 0) {
      this.#clearIdleTimer();
      this.#session?.ref();
    }
    this.#calls.add(call);
  }

  /** Counts a call as finished; the last one lets the process exit and arms the idle timer. */
  callEnded(call: ChannelCall): void {
    if (!this.#calls.delete(call) || this.#calls.size > 0) return;
    this.#session?.unref();
    this.#armIdleTimer();
  }

  /** Ends every call with CANCELLED and the connection; clears every timer. */
  close(): void {
    if (this.#state === "SHUTDOWN") return;
    this.#state = "SHUTDOWN";
    this.#clearIdleTimer();
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    for (const waiter of this.#takeWaiters()) waiter.reject(channelClosed());
    for (const call of [...this.#calls]) call.abortFromChannel(channelClosed());
    this.#calls.clear();
    const session = this.#session;
    this.#session = undefined;
    // Let the RST_STREAMs just queued go out before the socket closes.
    session?.close();
    if (session !== undefined) setImmediate(() => session.destroy()).unref();
  }

  #connect(): void {
    this.#state = "CONNECTING";
    const session = connectSession(this.#address, this.#credentials);
    this.#session = session;
    let lastError: unknown;
    const connectTimer = setTimeout(() => {
      session.destroy(Object.assign(new Error(`connect timed out after ${this.#backoff.connectTimeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, this.#backoff.connectTimeoutMs);
    connectTimer.unref();
    // A session 'error' must never escape as an uncaught exception; calls see it through their streams.
    session.on("error", (error) => {
      lastError = error;
    });
    session.once("connect", () => {
      clearTimeout(connectTimer);
      if (this.#session !== session) return;
      this.#state = "READY";
      this.#backoff.reset();
      this.#startKeepalive(session);
      if (this.#calls.size === 0 && this.#waiters.length === 0) {
        session.unref();
        this.#armIdleTimer();
      }
      for (const waiter of this.#takeWaiters()) waiter.resolve(session);
    });
    // PROTOCOL-HTTP2 GOAWAY: streams already started finish on this session; new calls get a new one.
    session.once("goaway", (errorCode: number, _lastStreamId: number, opaqueData?: Buffer) => {
      // doc/keepalive.md: a server that finds our PINGs too frequent says so with ENHANCE_YOUR_CALM
      // "too_many_pings"; like grpc-go, double the keepalive time for the next connection.
      if (errorCode === http2.constants.NGHTTP2_ENHANCE_YOUR_CALM && opaqueData?.toString() === "too_many_pings") {
        this.#keepaliveTimeMs = this.#keepaliveTimeMs === undefined ? undefined : this.#keepaliveTimeMs * 2;
      }
      this.discardSession(session);
    });
    session.once("close", () => {
      clearTimeout(connectTimer);
      if (this.#session !== session) return;
      if (this.#state === "CONNECTING") this.#connectFailed(lastError);
      else this.#dropSession();
    });
  }

  #connectFailed(cause: unknown): void {
    this.#session = undefined;
    this.#state = "TRANSIENT_FAILURE";
    const reason = cause instanceof Error ? cause.message : "connection closed before it was established";
    this.#lastError = new GrpcError(Status.UNAVAILABLE, `failed to connect to ${this.target}: ${reason}`, undefined, { cause });
    const waiting: SessionWaiter[] = [];
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

  #dropSession(): void {
    const session = this.#session;
    this.#session = undefined;
    this.#clearIdleTimer();
    if (this.#state !== "SHUTDOWN") this.#state = "IDLE";
    // Node closes a GOAWAY'd session once its streams finish; close() does the same for one we give up on.
    if (session !== undefined && !session.closed) session.close();
  }

  #startKeepalive(session: ClientHttp2Session): void {
    const timeMs = this.#keepaliveTimeMs;
    if (timeMs === undefined) return;
    startKeepalive(session, {
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
      if (this.#calls.size === 0 && this.#state === "READY") this.#dropSession();
    }, this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    this.#idleTimer.unref();
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #takeWaiters(): SessionWaiter[] {
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }
}

function channelClosed(): GrpcError {
  // grpc-go: calls on a closing ClientConn fail with Canceled ("the client connection is closing").
  return new GrpcError(Status.CANCELLED, "the channel is closed");
}

/** Creates a channel to `target` (see parseTarget); it connects on the first call. Throws TypeError for a malformed target. */
export function createChannel(target: string, options: ChannelOptions = {}): Channel {
  return new ChannelImpl(target, options);
}
