import type { ServiceDefinition } from "../definition.js";
import { ACCEPT_ENCODING_HEADER, COMPRESSIONS, IDENTITY } from "../codec/compression.js";
import { DEFAULT_MAX_SEND_MESSAGE_BYTES } from "../codec/message-codec.js";
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from "../framing/frame-decoder.js";
import { CorsPolicy } from "../transport/cors.js";
import { ServerListener } from "../transport/server-listener.js";
import { insecure } from "../transport/tls.js";
import { Router } from "./router.js";
import { createCallRunner } from "./run-call.js";
import type { CloseOptions, ListenOptions, Server, ServerOptions, ServerStats } from "./server-options.js";
import { CallCounters } from "../telemetry/call-counters.js";
import { channelzIdOf, registerServer, type ChannelzSource, type ServerSnapshot } from "../telemetry/channelz-registry.js";
import type { ServiceImpl } from "./service-impl.js";

/** C-core's soft limit is 8 KiB and grpc-go's 16 MiB; 16 KiB fits real metadata and bounds memory. */
const DEFAULT_MAX_HEADER_LIST_BYTES = 16 * 1024;
// grpc-go keepalive defaults: PING after 2 hours, 20 s PING timeout, client pings at most every 5 minutes.
// The PING also closes connections Node leaves open after nghttp2 ended them with GOAWAY for a
// protocol error (Node never destroys those; test/hardening/raw-connection.test.ts).
const DEFAULT_KEEPALIVE_TIME_MS = 2 * 60 * 60_000;
const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;
const DEFAULT_MIN_PING_INTERVAL_MS = 5 * 60_000;
// grpc-go's ConnectionTimeout default: how long a new connection may take to send its HTTP/2 preface.
const PREFACE_TIMEOUT_MS = 120_000;
// nghttp2's defaults (a burst of 1000 resets, then 33 a second) end the connection of a client that
// legitimately cancels a few thousand calls at once (a fan-out given up on); these still end a
// rapid-reset flood (test/hardening/raw-connection.test.ts) once it passes the burst.
const DEFAULT_STREAM_RESET_BURST = 10_000;
const DEFAULT_STREAM_RESET_RATE = 1_000;

/** Creates a gRPC server; throws TypeError for an unsupported `compression` option. */
export function createServer(options: ServerOptions = {}): Server {
  return new GrpcServer(options);
}

class GrpcServer implements Server, ChannelzSource<ServerSnapshot> {
  readonly #router: Router;
  readonly #listener: ServerListener;
  readonly #counters = new CallCounters();
  #leaveChannelz: (() => void) | undefined;

  constructor(options: ServerOptions) {
    if (options.compression !== undefined && options.compression !== IDENTITY && !COMPRESSIONS.has(options.compression)) {
      throw new TypeError(`compression "${options.compression}" is not supported; use gzip, deflate or identity`);
    }
    this.#router = new Router(options.interceptors ?? []);
    const keepalive = options.keepalive ?? {};
    const maxReceiveMessageBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES;
    const runCall = createCallRunner(this.#router, {
      maxReceiveMessageBytes,
      maxSendMessageBytes: options.maxSendMessageBytes ?? DEFAULT_MAX_SEND_MESSAGE_BYTES,
      compression: options.compression,
      onCallError: options.onCallError,
      maxCallMs: options.maxCallMs,
      counters: this.#counters,
    });
    this.#listener = new ServerListener(runCall, {
      maxReceiveMessageBytes,
      acceptEncoding: ACCEPT_ENCODING_HEADER,
      maxConcurrentStreams: options.maxConcurrentStreams,
      maxHeaderListBytes: options.maxHeaderListBytes ?? DEFAULT_MAX_HEADER_LIST_BYTES,
      prefaceTimeoutMs: PREFACE_TIMEOUT_MS,
      streamResetBurst: options.streamResetBurst ?? DEFAULT_STREAM_RESET_BURST,
      streamResetRate: options.streamResetRate ?? DEFAULT_STREAM_RESET_RATE,
      keepalive: {
        timeMs: keepalive.timeMs ?? DEFAULT_KEEPALIVE_TIME_MS,
        timeoutMs: keepalive.timeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
        minPingIntervalMs: keepalive.minPingIntervalMs ?? DEFAULT_MIN_PING_INTERVAL_MS,
        permitWithoutCalls: keepalive.permitWithoutCalls ?? false,
        maxConnectionIdleMs: keepalive.maxConnectionIdleMs,
        maxConnectionAgeMs: keepalive.maxConnectionAgeMs,
        maxConnectionAgeGraceMs: keepalive.maxConnectionAgeGraceMs,
      },
    }, {
      lookupMethod: (path) => this.#router.methodAt(path),
      cors: options.cors === undefined ? undefined : new CorsPolicy(options.cors),
      httpHandler: options.httpHandler,
    });
  }

  get services(): readonly ServiceDefinition[] {
    return this.#router.services;
  }

  /** channelz: the server's counters, listening sockets and connections. */
  channelzSnapshot(): ServerSnapshot {
    const sockets = this.#listener.channelzSockets();
    return { id: channelzIdOf(this), stats: this.#counters.stats(), listenSockets: sockets.listen, sockets: sockets.connections };
  }

  stats(): ServerStats {
    return { ...this.#counters.stats(), connections: this.#listener.connectionCount };
  }

  addService<D extends ServiceDefinition>(definition: D, implementation: ServiceImpl<D>): this {
    this.#router.add(definition, implementation as Readonly<Record<string, unknown>>);
    return this;
  }

  listen(options: ListenOptions = {}): Promise<number> {
    this.#leaveChannelz ??= registerServer(this);
    return this.#listener.listen(options.host ?? "127.0.0.1", options.port ?? 0, options.credentials ?? insecure(), options.reusePort);
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.#leaveChannelz?.();
    return this.#listener.close(options.graceMs ?? 0);
  }
}
