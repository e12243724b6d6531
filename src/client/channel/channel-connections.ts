import { ipVersionOf } from "../../transport/ip-address.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { ClientConnection } from "../../transport/client-connection.js";
import { describeConnectFailure } from "../../transport/connection-hints.js";
import type { ChannelCredentials } from "../../transport/tls.js";
import type { Subchannel } from "../balancer/load-balancer.js";
import { SubchannelImpl, type HealthWatchStarter, type SubchannelContext } from "../balancer/subchannel.js";
import type { ChannelOptions } from "../client-options.js";
import type { ResolvedAddress } from "../resolver/resolver.js";
import { backoffSettings, type BackoffSettings } from "./backoff.js";
import { createConnectionPool, type ConnectionPool } from "./connection-pool.js";
import type { ConnectionEvents } from "../../transport/client-connection.js";
import type { CallStats } from "../../telemetry/call-counters.js";
import { channelzIdOf, type SubchannelSnapshot } from "../../telemetry/channelz-registry.js";
import type { SocketStats } from "../../telemetry/socket-counters.js";
import { snapshotSocket } from "../../transport/socket-snapshot.js";
import type { SubchannelFactory } from "./resolving-balancer.js";
import { hostOfAuthority } from "./target.js";

const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;
// doc/keepalive.md: a server that finds our PINGs too frequent says so with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
const ENHANCE_YOUR_CALM = 0xb;

/** What the connections ask of the channel that owns them. */
export interface ConnectionsOwner {
  hasCalls(): boolean;
  /** True once the channel is closing: subchannels removed then close at once (their calls were cancelled). */
  isClosing(): boolean;
  healthCheckServiceName(): string | undefined;
}

/**
 * The subchannels of one channel and the settings they share: credentials, the TLS server name,
 * backoff, keepalive (slowed down for the whole channel when a server says too_many_pings) and
 * the wording of connection failures.
 */
export class ChannelConnections implements SubchannelContext, SubchannelFactory {
  readonly credentials: ChannelCredentials;
  readonly backoff: BackoffSettings;
  /** Set by whoever can open health-check streams (gRFC A17); undefined: subchannels are not health-checked. */
  startHealthWatch: HealthWatchStarter | undefined;
  readonly #target: string;
  readonly #authorityHost: string;
  readonly #options: ChannelOptions;
  readonly #owner: ConnectionsOwner;
  readonly #subchannels = new Set<SubchannelImpl>();
  #keepaliveTimeMs: number | undefined;

  constructor(target: string, defaultAuthority: string, credentials: ChannelCredentials, options: ChannelOptions, owner: ConnectionsOwner) {
    this.#target = target;
    this.#authorityHost = hostOfAuthority(defaultAuthority);
    this.credentials = credentials;
    this.#options = options;
    this.#owner = owner;
    this.backoff = backoffSettings(options.backoff);
    this.#keepaliveTimeMs = options.keepaliveTimeMs;
    // Checked here, so that a bad connectionsPerAddress fails createChannel, not the first call.
    createConnectionPool(options.connectionsPerAddress, { open: () => undefined as never, onReady() {}, onGoaway() {}, connectTimeoutMs: 0 });
  }

  createPool(open: (events: ConnectionEvents) => ClientConnection, connectTimeoutMs: number): ConnectionPool | undefined {
    return createConnectionPool(this.#options.connectionsPerAddress, {
      open,
      onReady: (connection) => this.onConnectionReady(connection),
      onGoaway: (_connection, errorCode, opaqueData) => this.onGoaway(errorCode, opaqueData),
      connectTimeoutMs,
    });
  }

  /** Every subchannel a policy holds now. */
  get subchannels(): readonly Subchannel[] {
    return [...this.#subchannels];
  }

  createSubchannel(address: ResolvedAddress, options?: { readonly isHealthChecked?: boolean }): Subchannel {
    const subchannel = new SubchannelImpl(address, this, options?.isHealthChecked === true);
    this.#subchannels.add(subchannel);
    return subchannel;
  }

  removeSubchannel(subchannel: Subchannel): void {
    if (!(subchannel instanceof SubchannelImpl) || !this.#subchannels.delete(subchannel)) return;
    subchannel.shutdown(this.#owner.isClosing());
  }

  /** Every subchannel's open connections: where each goes, whether it takes calls, its open streams (Channel.stats()). */
  connectionStats(): { address: string; isReady: boolean; streams: number }[] {
    return [...this.#subchannels].flatMap((subchannel) =>
      subchannel.openConnections.map((connection) => ({ address: connection.address, isReady: connection.isReady, streams: connection.streamCount })),
    );
  }

  /** channelz: each subchannel with its connections (the pool's too) as its sockets. */
  channelzSubchannels(): SubchannelSnapshot[] {
    return [...this.#subchannels].map((subchannel) => {
      const open = subchannel.openConnections;
      return {
        id: channelzIdOf(subchannel),
        target: subchannel.name,
        state: subchannel.state,
        stats: streamStats(open.map((connection) => connection.counters.stats())),
        sockets: open.map((connection) => snapshotSocket(connection.socket, connection.counters)),
      };
    });
  }

  /** The service config's health-check service changed: every health-checked subchannel starts over. */
  refreshHealthChecks(): void {
    for (const subchannel of this.#subchannels) subchannel.refreshHealthCheck();
  }

  healthCheckServiceName(): string | undefined {
    return this.#owner.healthCheckServiceName();
  }

  // The certificate names the target's host, whatever address it resolved to; an address list
  // (ipv4:, ipv6:) names no host, so each address is checked as itself.
  tlsServerName(address: ResolvedAddress): string | undefined {
    return ipVersionOf(this.#authorityHost) === 0 ? this.#authorityHost : address.kind === "tcp" ? address.host : undefined;
  }

  describeFailure(subchannel: Subchannel, cause: unknown, failedAttempts: number): GrpcError {
    const reason = describeConnectFailure(cause, this.credentials.kind === "channel-tls");
    // What failed, where, and how often: "failed to connect to dns:svc:50051 (10.0.0.7:50051, attempt 3): connection refused".
    const where = subchannel.name === this.#target ? `attempt ${failedAttempts}` : `${subchannel.name}, attempt ${failedAttempts}`;
    return new GrpcError(Status.UNAVAILABLE, `failed to connect to ${this.#target} (${where}): ${reason}`, undefined, { cause });
  }

  onConnectionReady(connection: ClientConnection): void {
    const timeMs = this.#keepaliveTimeMs;
    if (timeMs === undefined) return;
    connection.startKeepalive({
      timeMs,
      timeoutMs: this.#options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
      shouldPing: () => this.#owner.hasCalls() || this.#options.keepalivePermitWithoutCalls === true,
    });
  }

  onGoaway(errorCode: number, opaqueData: Buffer | undefined): void {
    // doc/keepalive.md: like grpc-go, double the keepalive time for the next connection.
    if (errorCode === ENHANCE_YOUR_CALM && opaqueData?.toString() === "too_many_pings" && this.#keepaliveTimeMs !== undefined) {
      this.#keepaliveTimeMs *= 2;
    }
  }
}

// A subchannel's ChannelData counts calls; here every stream of its connections is one.
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
