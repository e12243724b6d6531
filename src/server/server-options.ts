import type { ServiceDefinition } from "../definition.js";
import type { CallStats } from "../telemetry/call-counters.js";
import type { CorsOptions } from "../transport/cors.js";
import type { PlainHttpHandler } from "../transport/plain-http.js";
import type { ServerCredentials } from "../transport/tls.js";
import type { ServerCallContext } from "./call-context.js";
import type { ServerInterceptor } from "./server-interceptor.js";
import type { ServiceImpl } from "./service-impl.js";

/** Server keepalive and connection management, named after grpc-go's keepalive.ServerParameters and EnforcementPolicy. */
export interface ServerKeepaliveOptions {
  /** PING every connection this often (default 2 hours, as grpc-go; Infinity turns it off). */
  readonly timeMs?: number;
  /** Close the connection if a PING is not answered within this long (default 20 s). */
  readonly timeoutMs?: number;
  /** Clients may PING at most this often; faster pings get GOAWAY ENHANCE_YOUR_CALM (grpc-go default 5 min). */
  readonly minPingIntervalMs?: number;
  /** Allow client PINGs while the connection has no calls (grpc-go default false). */
  readonly permitWithoutCalls?: boolean;
  /** Send GOAWAY to a connection that has had no calls for this long. */
  readonly maxConnectionIdleMs?: number;
  /** Send GOAWAY to a connection this old (with ±10% jitter, as grpc-go). */
  readonly maxConnectionAgeMs?: number;
  /** After maxConnectionAgeMs, give in-flight calls this long before closing the connection. */
  readonly maxConnectionAgeGraceMs?: number;
}

/** Options of createServer. */
export interface ServerOptions {
  /** Interceptors around every handler; the first is outermost. */
  readonly interceptors?: readonly ServerInterceptor[];
  /** Largest request message accepted (default 4 MiB); larger ones end the call with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageBytes?: number;
  /** Largest response message sent (default 2^31-1); larger ones end the call with RESOURCE_EXHAUSTED. */
  readonly maxSendMessageBytes?: number;
  /** Largest request header block accepted, in bytes (default 16 KiB, as C-core's 8-16 KiB soft limit suggests). */
  readonly maxHeaderListBytes?: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS per connection (default unlimited, as grpc-go). */
  readonly maxConcurrentStreams?: number;
  /**
   * Rapid-reset protection (CVE-2023-44487): a connection may reset (cancel) this many streams in a
   * burst (default 10000) and then `streamResetRate` a second (default 1000) before it is ended with
   * GOAWAY. Node 22.10 and later apply them; Node 20 has nghttp2's fixed 1000 and 33 a second.
   */
  readonly streamResetBurst?: number;
  readonly streamResetRate?: number;
  /** Caps every call's deadline; the shorter of this and the client's grpc-timeout wins. */
  readonly maxCallMs?: number;
  /** Compress responses with this encoding when the client accepts it (default: none). */
  readonly compression?: string;
  readonly keepalive?: ServerKeepaliveOptions;
  /**
   * Lets pages on these origins call the server from a browser (gRPC-Web, Connect): answers CORS
   * preflights and exposes the status headers. Same-origin pages need none.
   */
  readonly cors?: CorsOptions;
  /** Answers plain HTTP GET and HEAD requests that are not RPCs (a page and its scripts), on the RPC port. */
  readonly httpHandler?: PlainHttpHandler;
  /** Called with every error a handler ends a call with, including the ones sent as UNKNOWN; for logging. */
  readonly onCallError?: (error: unknown, context: ServerCallContext) => void;
}

/** Where and how to listen. */
export interface ListenOptions {
  /** Default "127.0.0.1". */
  readonly host?: string;
  /** Default 0: a free port, returned by listen. */
  readonly port?: number;
  /** Default insecure(). */
  readonly credentials?: ServerCredentials;
  /**
   * Bind a socket of this process's own to a port other processes share (SO_REUSEPORT): the
   * kernel spreads new connections over them. Node 22.12+ on Linux or FreeBSD; elsewhere listen
   * rejects. For N processes on one port see serveCluster (README, Server on every core).
   */
  readonly reusePort?: boolean;
}

/** Options of Server.close. */
export interface CloseOptions {
  /** How long in-flight calls may run after GOAWAY before they are cancelled (default 0: cancel at once). */
  readonly graceMs?: number;
}

/** A server's live counters (Server.stats()). */
export interface ServerStats extends CallStats {
  /** Open client connections. */
  readonly connections: number;
}

/** A gRPC server: register services, listen, close. */
export interface Server {
  /** Registers a service; throws TypeError if a service of the same name is registered already. */
  addService<D extends ServiceDefinition>(definition: D, implementation: ServiceImpl<D>): this;
  /** The registered services, in registration order (reflection reads them). */
  readonly services: readonly ServiceDefinition[];
  /** The server's calls so far (started, succeeded, failed, in flight, when the last started) and its open connections. */
  stats(): ServerStats;
  /** Starts listening; resolves with the bound port; rejects with the listen error (e.g. EADDRINUSE). */
  listen(options?: ListenOptions): Promise<number>;
  /**
   * Stops accepting, sends GOAWAY, lets in-flight calls finish for graceMs, then cancels the rest;
   * resolves when every connection is gone. Safe to call twice.
   */
  close(options?: CloseOptions): Promise<void>;
}
