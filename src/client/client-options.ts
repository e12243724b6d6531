import type { CallStats } from "../telemetry/call-counters.js";
import type { ChannelCredentials } from "../transport/tls.js";
import type { Subchannel } from "./balancer/load-balancer.js";
import type { ServiceConfig } from "./service-config/service-config.js";
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

/** Options of a channel: the connections to a target's addresses, shared by the clients that use it. */
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
   * The service config (grpc's service_config.proto as JSON, an object or its text) used when the
   * resolver gives none: load balancing, per-method timeouts, limits, retries, hedging, health
   * checking. createChannel throws TypeError naming the field if it is invalid.
   */
  readonly serviceConfig?: ServiceConfig | string;
  /** The load-balancing policy when the service config names none: "pick_first" (the default), "round_robin", or a registered one. */
  readonly loadBalancingPolicy?: string;
  /** Read the service config from the target's DNS TXT record `_grpc_config.<host>` (gRFC A2); default false, as grpc-go. */
  readonly serviceConfigFromDns?: boolean;
  /** The least time between two DNS resolutions of the target, in ms (default 30000); re-resolution happens when a connection is lost or a GOAWAY arrives. */
  readonly minResolutionIntervalMs?: number;
  /** Retry and hedge calls as the service config's policies say (default true; gRFC A6 "Disabling Retries"). */
  readonly enableRetries?: boolean;
  /** The request bytes all calls of the channel may keep for retries and hedges (default 16 MiB). */
  readonly retryBufferBytes?: number;
  /** The request bytes one call may keep for retries and hedges (default 1 MiB); a call that sends more stays on its current attempt. */
  readonly perCallRetryBufferBytes?: number;
  /**
   * Up to this many HTTP/2 connections to each address (default 1, at most 64): each new call goes
   * to the subchannel's connection with the fewest calls in flight, and another connection opens
   * (one at a time) while every open one is busy. For servers of several processes on one port
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

/**
 * The connections to one target ("host:port", "dns:///name:port", "ipv4:a:p,b:p", "unix:/path",
 * or a scheme given to registerResolver), shared by clients.
 */
export interface Channel {
  readonly target: string;
  /** The channel's state (its load-balancing policy's); calls made in TRANSIENT_FAILURE fail fast with UNAVAILABLE unless waitForReady. */
  readonly state: ConnectivityState;
  /** One subchannel per address the policy uses now, each with its own state (a snapshot: watch() each for changes). */
  readonly subchannels: readonly Subchannel[];
  /** Calls `listener` on every change of `state` until the returned function is called. */
  watch(listener: (state: ConnectivityState) => void): () => void;
  /**
   * Resolves with the new state once it differs from `sourceState` (at once if it does already):
   * doc/connectivity-semantics-and-api.md WaitForStateChange. Rejects with the signal's reason.
   */
  waitForStateChange(sourceState: ConnectivityState, options?: { readonly signal?: AbortSignal }): Promise<ConnectivityState>;
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
