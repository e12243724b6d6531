import type { CallStats } from "../telemetry/call-counters.js";
import type { ChannelCredentials } from "../transport/tls.js";
import type { CallCredentials } from "./credentials/call-credentials.js";
import type { CallOptions } from "./call-options.js";
import type { ClientInterceptor } from "./client-interceptor.js";

/** gRPC connection backoff (doc/connection-backoff.md); every field has the spec's default. */
export interface BackoffOptions {
  /** Default 1000. */
  readonly initialMs?: number;
  /** Default 1.6. */
  readonly multiplier?: number;
  /** Default 0.2: each delay is randomized by ±20%. */
  readonly jitter?: number;
  /** Default 120000. */
  readonly maxMs?: number;
  /** Default 20000: the least time a connection attempt is given. */
  readonly minConnectTimeoutMs?: number;
}

/** Options of a channel: one HTTP/2 connection to a target, shared by the clients that use it. */
export interface ChannelOptions {
  /** Default insecure(). */
  readonly credentials?: ChannelCredentials;
  /** The :authority of every call (grpc-go WithAuthority); default: the TLS server-name override, else the target's host:port. */
  readonly authority?: string;
  readonly backoff?: BackoffOptions;
  /** PING the server after this long without activity; off when undefined. */
  readonly keepaliveTimeMs?: number;
  /** Fail the connection (calls get UNAVAILABLE) if a PING is unanswered this long (default 20000). */
  readonly keepaliveTimeoutMs?: number;
  /** Send keepalive PINGs even with no calls in flight (default false). */
  readonly keepalivePermitWithoutCalls?: boolean;
  /** Close the connection after this long with no calls (default 30 min); the next call reconnects. */
  readonly idleTimeoutMs?: number;
  /** Largest response message accepted (default 4 MiB). */
  readonly maxReceiveMessageBytes?: number;
  /** Largest request message sent (default 2^31-1). */
  readonly maxSendMessageBytes?: number;
  /**
   * Up to this many HTTP/2 connections to the target (default 1, at most 64): each new call goes
   * to the connection with the fewest calls in flight, and another connection opens (one at a
   * time) while every open one is busy. For servers of several processes on one port
   * (serveCluster) and past one connection's MAX_CONCURRENT_STREAMS. Throws RangeError otherwise.
   */
  readonly connectionsPerAddress?: number;
}

/** doc/connectivity-semantics-and-api.md: the state of a channel's connection. */
export type ConnectivityState = "IDLE" | "CONNECTING" | "READY" | "TRANSIENT_FAILURE" | "SHUTDOWN";

/** A channel's live counters and connections (Channel.stats()). */
export interface ChannelStats extends CallStats {
  readonly target: string;
  readonly state: ConnectivityState;
  /** The open connections: where each goes, whether it takes calls, how many streams are open on it. */
  readonly connections: readonly { readonly address: string; readonly isReady: boolean; readonly streams: number }[];
}

/** A connection to one target ("host:port", "[::1]:port", "dns:host:port", "unix:/path"), shared by clients. */
export interface Channel {
  readonly target: string;
  /** The connection's state; calls made in TRANSIENT_FAILURE fail fast with UNAVAILABLE unless waitForReady. */
  readonly state: ConnectivityState;
  /**
   * Connects now if idle, and resolves once the connection is READY (at once if it is). Rejects
   * with UNAVAILABLE when the attempt fails (waitForReady: keeps retrying with backoff instead), or
   * with the signal's reason when it aborts; rejects with CANCELLED once the channel is closed.
   */
  connect(options?: { readonly waitForReady?: boolean; readonly signal?: AbortSignal }): Promise<void>;
  /** Ends every call (CANCELLED... or UNAVAILABLE) and the connection; no timer keeps the process alive afterwards. */
  close(): void;
  /** The channel's calls so far (started, succeeded, failed, in flight, when the last started) and its connections. */
  stats(): ChannelStats;
}

/** Options of createClient: a channel (or what to make one from) plus per-client defaults. */
export type ClientOptions = (
  | (ChannelOptions & { readonly address: string; readonly channel?: undefined })
  | { readonly channel: Channel; readonly address?: undefined }
) & {
  /** Interceptors around every call; the first is outermost. */
  readonly interceptors?: readonly ClientInterceptor[];
  /** Per-RPC credentials for every call of this client. */
  readonly callCredentials?: CallCredentials;
  /** Defaults merged under each call's options. */
  readonly defaultCallOptions?: CallOptions;
};
